package io.kubeway.cli;

import io.kubeway.StateDirLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** User errors of the kubeway command line: one line naming what is wrong, never a stack trace. */
class MainTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run kubeway(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code run} with everything on addresses this test owns, plus {@code more}. */
    private Run run(String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--state-dir", tmp.resolve("state").toString(),
                "--node-address", "127.0.46.1", "--service-cidr", "127.114.0.0/16", "--lb-pool", "127.115.0.0/24",
                "--ingress-http-address", "", "--ingress-https-address", "", "--warm-up", "off"));
        args.addAll(List.of(more));
        return kubeway(args.toArray(String[]::new));
    }

    @Test
    void anUnknownFlagIsNamedAlsoWhenFIsMissing() {
        Run run = kubeway("run", "--bogus");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("kubeway: Unknown option: '--bogus'\nSee 'kubeway run --help' for usage.\n");
    }

    @Test
    void aMistypedFlagGetsASuggestion() {
        Run run = kubeway("run", "-f", ".", "--state-dirr", "x");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("kubeway: Unknown options: '--state-dirr', 'x'\n")
                .contains("--state-dir\n").endsWith("See 'kubeway run --help' for usage.\n");
    }

    @Test
    void aMissingFIsNamed() {
        Run run = kubeway("run");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("kubeway: Missing required option: '--filename=PATH' (-f), "
                + "or --kubeconfig PATH to watch a cluster\nSee 'kubeway run --help' for usage.\n");
    }

    @Test
    void aMissingFolderIsOneLine() throws IOException {
        Run run = run("-f", tmp.resolve("nowhere").toString(), "--admin-address", "127.0.0.1:0");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("kubeway: -f " + tmp.resolve("nowhere") + ": no such file or folder\n");
    }

    @Test
    void aBadAddressNamesItsFlag() throws IOException {
        Run run = run("-f", tmp.toString(), "--admin-address", "127.0.0.1:http");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("kubeway: --admin-address: expected ADDRESS:PORT with a port in 0-65535, "
                + "got \"127.0.0.1:http\"\n");
    }

    @Test
    void aBusyAdminPortIsOneLineAndReleasesWhatItTook() throws IOException {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.46.2"))) {
            String admin = "127.0.46.2:" + taken.getLocalPort();

            Run run = run("-f", manifests.toString(), "--admin-address", admin);

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("kubeway: cannot start kubeway admin API on " + admin
                    + ": address already in use (is another kubeway running? choose another --admin-address)\n");
        }
        try (StateDirLock lock = StateDirLock.acquire(tmp.resolve("state"))) {
            assertThat(lock.file()).exists(); // the failed start let go of the state dir
        }
    }

    @Test
    void aStateDirInUseNamesTheHolder() throws IOException {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        try (StateDirLock held = StateDirLock.acquire(tmp.resolve("state"))) {
            Run run = run("-f", manifests.toString(), "--admin-address", "127.0.0.1:0");

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("kubeway: state directory " + tmp.resolve("state")
                    + " is in use by another kubeway (PID " + ProcessHandle.current().pid()
                    + "); stop it, or give this one another --state-dir\n");
        }
    }
}
