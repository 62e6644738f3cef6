package io.kubeway.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small cluster's network in namespaces the test creates, with addresses from 198.18.0.0/15 (the benchmarking
 * range): a bridge {@code kwlab0} in the test's own namespace (198.18.20.1/24, where the API server listens),
 * node namespaces and a client namespace on it (198.18.20.0/24), and behind each node a pod namespace on a
 * veth of its own (198.19.N.0/24, routed between nodes through the node addresses). No namespace has a route
 * anywhere else; {@link #close()} deletes everything. Needs root.
 */
final class ClusterLab implements AutoCloseable {
    static final String BRIDGE = "kwlab0";
    static final String BRIDGE_IP = "198.18.20.1";

    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) return "not root (network namespaces need it)";
        for (String tool : List.of("ip", "curl", "python3", "arping")) {
            try {
                if (run(List.of("sh", "-c", "command -v " + tool)).exit != 0) return tool + " is not installed";
            } catch (IOException e) {
                return "cannot run sh: " + e.getMessage();
            }
        }
        return null;
    }

    void create() throws IOException {
        close();
        check("ip", "link", "add", BRIDGE, "type", "bridge");
        hostLinks.add(BRIDGE);
        check("ip", "addr", "add", BRIDGE_IP + "/24", "dev", BRIDGE);
        check("ip", "link", "set", BRIDGE, "up");
    }

    /** A namespace with eth0 on the bridge at {@code ip}/24. */
    void host(String ns, String ip) throws IOException {
        addNamespace(ns);
        String outer = ns + "-b";
        check("ip", "link", "add", outer, "type", "veth", "peer", "name", ns + "-e");
        hostLinks.add(outer);
        check("ip", "link", "set", ns + "-e", "netns", ns);
        check("ip", "netns", "exec", ns, "ip", "link", "set", ns + "-e", "name", "eth0");
        check("ip", "netns", "exec", ns, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        check("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up");
        check("ip", "link", "set", outer, "master", BRIDGE);
        check("ip", "link", "set", outer, "up");
    }

    /** A pod namespace behind {@code node}: pod at {@code podIp}/24, the node at {@code gatewayIp} routes for it. */
    void pod(String ns, String node, String podIp, String gatewayIp) throws IOException {
        addNamespace(ns);
        check("ip", "netns", "exec", node, "ip", "link", "add", ns + "-n", "type", "veth", "peer", "name", ns + "-p");
        check("ip", "netns", "exec", node, "ip", "link", "set", ns + "-p", "netns", ns);
        check("ip", "netns", "exec", node, "ip", "addr", "add", gatewayIp + "/24", "dev", ns + "-n");
        check("ip", "netns", "exec", node, "ip", "link", "set", ns + "-n", "up");
        check("ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        check("ip", "netns", "exec", ns, "ip", "addr", "add", podIp + "/24", "dev", ns + "-p");
        check("ip", "netns", "exec", ns, "ip", "link", "set", ns + "-p", "up");
        check("ip", "netns", "exec", ns, "ip", "route", "add", "default", "via", gatewayIp);
    }

    void route(String ns, String cidr, String via) throws IOException {
        check("ip", "netns", "exec", ns, "ip", "route", "add", cidr, "via", via);
    }

    private void addNamespace(String ns) throws IOException {
        run(List.of("ip", "netns", "del", ns));
        check("ip", "netns", "add", ns);
        namespaces.add(ns);
        check("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    }

    /** Starts a long-running process inside {@code ns}; stopped by {@link #close()} if still running. */
    Process start(String ns, List<String> cmd, java.nio.file.Path log, java.util.Map<String, String> env)
            throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs a command in {@code ns}; returns exit code and output. */
    Result exec(String ns, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return run(full);
    }

    /** {@code curl} from {@code ns}: the body, or null when the request failed. */
    String curl(String ns, String url) throws IOException {
        Result r = exec(ns, "curl", "-s", "--max-time", "2", url);
        return r.exit == 0 ? r.output : null;
    }

    /** {@code curl} from {@code ns}: the HTTP status code (0 when no answer) and body. */
    Result curlStatus(String ns, String url) throws IOException {
        Result r = exec(ns, "curl", "-s", "--max-time", "2", "-w", "\n%{http_code}", url);
        String out = r.output;
        int nl = out.lastIndexOf('\n');
        int code = Integer.parseInt(out.substring(nl + 1).strip().isEmpty() ? "0" : out.substring(nl + 1).strip());
        return new Result(code, nl < 0 ? "" : out.substring(0, nl));
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        processes.clear();
        for (String ns : List.of("kwn1", "kwn2", "kwc", "kwp1", "kwp2")) {
            try {
                run(List.of("ip", "netns", "pids", ns)).output.lines().forEach(pid ->
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly));
                run(List.of("ip", "netns", "del", ns));
            } catch (IOException | NumberFormatException e) {
                // best effort
            }
        }
        for (String link : List.of("kwn1-b", "kwn2-b", "kwc-b", BRIDGE)) {
            try {
                run(List.of("ip", "link", "del", link));
            } catch (IOException e) {
                // best effort
            }
        }
        namespaces.clear();
        hostLinks.clear();
    }

    record Result(int exit, String output) {
    }

    private static void check(String... cmd) throws IOException {
        Result r = run(List.of(cmd));
        if (r.exit != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.output);
        }
    }

    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
