package io.kubeway.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code htpasswd} (apache2-utils), as users make their files: {@code htpasswd -nb <flag> user password}.
 * Tests that need it skip with a reason when it is not installed ({@code scripts/test.sh} installs it as root).
 */
public final class Htpasswd {
    private static final Path BINARY = Path.of("/usr/bin/htpasswd");

    private Htpasswd() {
    }

    /** Skips the calling test when htpasswd is missing. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "htpasswd is not installed (apt-get install "
                + "apache2-utils); skipping the test of htpasswd-made password hashes");
    }

    /** One {@code user:hash} line; {@code flag} is {@code -B} (bcrypt), {@code -m}, {@code -s}, {@code -d}, ... */
    public static String line(String flag, String user, String password) {
        assumeInstalled();
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-nb"));
        if (!flag.isEmpty()) cmd.add(flag);
        cmd.add(user);
        cmd.add(password);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("htpasswd " + cmd + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The hash of {@link #line}. */
    public static String hash(String flag, String user, String password) {
        String line = line(flag, user, password);
        return line.substring(line.indexOf(':') + 1);
    }
}
