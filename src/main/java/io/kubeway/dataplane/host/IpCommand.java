package io.kubeway.dataplane.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} (Debian package iproute2), batching many changes into one process with
 * {@code ip -batch -} so that thousands of addresses cost one fork. Kept small and explicit: the only host
 * changes Kubeway makes are addresses on its own dummy interface and on the announcing interface.
 */
final class IpCommand {
    private static final long TIMEOUT_SECONDS = 30;

    private IpCommand() {
    }

    /** Runs one {@code ip} command; returns its output; throws with the output when it fails. */
    static String run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        return exec(cmd, null);
    }

    /**
     * Runs many {@code ip} commands (one per line, without the leading {@code ip}) in one process; with
     * {@code -force} a failing line does not stop the others. Returns the output (errors included).
     */
    static String batch(List<String> lines) throws IOException {
        if (lines.isEmpty()) return "";
        return exec(List.of("ip", "-force", "-batch", "-"), String.join("\n", lines) + "\n");
    }

    private static String exec(List<String> cmd, String stdin) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0 && stdin == null) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
