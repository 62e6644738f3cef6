package io.kubeway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test host in a network namespace the test creates: a veth pair whose host side gets {@code hostIp}
 * and whose namespace side gets {@code peerIp} (a /29 from 198.18.0.0/15, the benchmarking range). The
 * namespace has no other link and no route anywhere else. Needs root; {@link #close()} deletes it all.
 */
final class NetnsHost implements AutoCloseable {
    final String name;
    final String hostIp;
    final String peerIp;
    private final String hostLink;

    private NetnsHost(String name, String hostIp, String peerIp) {
        this.name = name;
        this.hostIp = hostIp;
        this.peerIp = peerIp;
        this.hostLink = name + "-h";
    }

    static boolean available() {
        try {
            return "root".equals(System.getProperty("user.name")) && run(List.of("ip", "netns", "list")).exit == 0
                    && run(List.of("curl", "--version")).exit == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static NetnsHost create(String name, String hostIp, String peerIp) throws IOException {
        NetnsHost h = new NetnsHost(name, hostIp, peerIp);
        h.close(); // leftovers of an aborted run
        String peerLink = name + "-n";
        try {
            check("ip", "netns", "add", name);
            check("ip", "link", "add", h.hostLink, "type", "veth", "peer", "name", peerLink);
            check("ip", "link", "set", peerLink, "netns", name);
            check("ip", "addr", "add", hostIp + "/29", "dev", h.hostLink);
            check("ip", "link", "set", h.hostLink, "up");
            check("ip", "netns", "exec", name, "ip", "addr", "add", peerIp + "/29", "dev", peerLink);
            check("ip", "netns", "exec", name, "ip", "link", "set", peerLink, "up");
            check("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    /** Adds one more address to the host side of the link (as an operator adds a LoadBalancer IP). */
    void addHostAddress(String ip) throws IOException {
        check("ip", "addr", "add", ip + "/29", "dev", hostLink);
    }

    /** Runs a command inside the namespace; returns its stdout (throws on a non-zero exit). */
    String exec(String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        Result r = run(full);
        if (r.exit != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }

    @Override
    public void close() {
        try {
            run(List.of("ip", "link", "del", hostLink));
            run(List.of("ip", "netns", "del", name));
        } catch (IOException e) {
            // nothing to clean
        }
    }

    private static void check(String... cmd) throws IOException {
        Result r = run(List.of(cmd));
        if (r.exit != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.output);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
