package io.kubeway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateDirLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondInstanceInThisJvmIsRefusedNamingThePidAndTheDirectory() {
        Path dir = tmp.resolve("state");
        try (StateDirLock first = StateDirLock.acquire(dir)) {
            assertThatThrownBy(() -> StateDirLock.acquire(dir))
                    .isInstanceOf(StateDirLock.StateDirInUseException.class)
                    .hasMessage("state directory " + dir.toAbsolutePath() + " is in use by another kubeway (PID "
                            + ProcessHandle.current().pid() + "); stop it, or give this one another --state-dir");
            assertThat(first.file()).hasContent(Long.toString(ProcessHandle.current().pid()));
        }
        try (StateDirLock again = StateDirLock.acquire(dir)) {
            assertThat(again.file()).exists();
        }
    }

    @Test
    void aSecondProcessIsRefusedUntilTheHolderIsKilled() throws Exception {
        Path dir = tmp.resolve("state");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked");

            assertThatThrownBy(() -> StateDirLock.acquire(dir))
                    .isInstanceOf(StateDirLock.StateDirInUseException.class)
                    .hasMessageContaining("(PID " + holder.pid() + ")")
                    .hasMessageContaining(dir.toAbsolutePath().toString());

            holder.destroyForcibly(); // kill -9: the lock dies with its process, the stale file stays
            assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve(StateDirLock.FILE_NAME)).strip())
                    .isEqualTo(Long.toString(holder.pid()));
            try (StateDirLock mine = StateDirLock.acquire(dir)) {
                assertThat(Files.readAllLines(mine.file())).isEqualTo(List.of(Long.toString(ProcessHandle.current().pid())));
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Takes the lock in a process of its own and holds it until killed. */
    public static final class Holder {
        static StateDirLock held; // reachable, so no cleaner closes the lock file

        public static void main(String[] args) throws InterruptedException {
            held = StateDirLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
