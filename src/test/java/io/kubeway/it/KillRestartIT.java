package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.core.IpLiterals;
import io.kubeway.echo.EchoServer;
import io.kubeway.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos: {@code kubeway run} as a real child process, a Service of each type in front of real backends, bounded
 * keep-alive and new-connection load, then {@code kill -9} and a restart on the same state directory. New
 * connections work again soon after the restart, every allocation (ClusterIP, NodePort, LoadBalancer IP) is the
 * one from before, the state-dir lock of the killed process does not block the restart, and SIGTERM stops the
 * restarted one cleanly.
 */
class KillRestartIT {
    private static final Pattern ADMIN = Pattern.compile("admin API: http://([0-9.]+:[0-9]+)\\)");
    private static final String NODE = "127.0.45.1";

    @TempDir
    Path tmp;
    private final List<EchoServer> backends = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final AtomicBoolean loadRuns = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void tearDown() {
        loadRuns.set(false);
        processes.forEach(Process::destroyForcibly);
        backends.forEach(EchoServer::close);
        http.close();
    }

    @Test
    void killMinus9AndRestartKeepsEveryAllocationAndServesAgain() throws Exception {
        EchoServer a = EchoServer.start(new InetSocketAddress(IpLiterals.of("127.0.44.1"), 0), "pod-a");
        EchoServer b = EchoServer.start(new InetSocketAddress(IpLiterals.of("127.0.44.2"), 0), "pod-b");
        backends.addAll(List.of(a, b));
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("all.yaml")
                , pod("pod-a", "{app: web}", "127.0.44.1", "[{name: http, containerPort: " + a.address().getPort() + "}]", true)
                + pod("pod-b", "{app: web}", "127.0.44.2", "[{name: http, containerPort: " + b.address().getPort() + "}]", true)
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-np}
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-lb}
                spec:
                  type: LoadBalancer
                  selector: {app: web}
                  ports: [{port: 8081, targetPort: http}]
                """);
        List<String> args = List.of("run", "-f", manifests.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--admin-address", "127.0.0.1:0", "--service-cidr", "127.112.0.0/16",
                "--node-port-range", FreePorts.range(40), "--node-address", NODE, "--lb-pool", "127.113.0.0/24",
                "--ingress-http-address", "", "--ingress-https-address", "", "--workers", "1", "--warm-up", "off");

        long t0 = System.nanoTime();
        Child first = spawn(args, "first");
        long firstLogged = awaitFirstLogLine(first);
        first = awaitBanner(first);
        // this machine's speed right now: the time a cold start takes from its first log line to serving (the
        // banner follows the first sync); a shared CI machine can be several times slower than an idle one
        Duration coldStart = Duration.ofNanos(System.nanoTime() - firstLogged);
        log(t0, "first started");
        Map<String, String> before = allocations(first.admin());
        List<InetSocketAddress> targets = targets(first.admin());
        assertThat(targets).hasSize(3);

        Load load = new Load(targets);
        load.start();
        load.awaitSuccesses(50);
        log(t0, "load runs");

        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no lock release but the kernel's
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        int okBeforeKill = load.successes.get();

        Child second = spawn(args, "second");
        // the restart's own time: from the restarted JVM's first log line (the JVM is up) until every address
        // answers again; taking the lock, loading the allocations, syncing and binding all fall inside it. At most
        // 5 s, or on a machine so loaded that a cold start took longer, no more than that cold start plus 2 s:
        // nothing left behind by the killed process (lock, allocations file, sockets) may slow the restart down
        Duration bound = Duration.ofSeconds(5).compareTo(coldStart.plusSeconds(2)) >= 0 ? Duration.ofSeconds(5)
                : coldStart.plusSeconds(2);
        long started = awaitFirstLogLine(second);
        log(t0, "second logs (cold start took " + coldStart.toMillis() + " ms)");
        for (InetSocketAddress target : targets) {
            while (!answers(target)) {
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("new connections to %s succeed within %s of the restart (cold start: %s)", target, bound,
                                coldStart)
                        .isLessThan(bound);
                assertThat(second.process().isAlive()).as("restarted kubeway runs").isTrue();
                Thread.sleep(20);
            }
        }
        second = awaitBanner(second);
        System.out.println("KillRestartIT: the restarted kubeway's log:\n" + Files.readString(second.stderr()));
        log(t0, "second answers");
        assertThat(allocations(second.admin())).isEqualTo(before);
        load.awaitSuccesses(okBeforeKill + 50);
        loadRuns.set(false);
        load.join();
        assertThat(load.keepAliveRequests.get()).as("keep-alive requests").isPositive();
        assertThat(load.newConnections.get()).as("new-connection requests").isPositive();

        log(t0, "load done");
        second.process().destroy(); // SIGTERM
        assertThat(second.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(second.process().exitValue()).isZero();
        assertThat(Files.readString(second.stderr())).contains("kubeway: stopping (SIGTERM)")
                .doesNotContain("Exception");
    }

    private static void log(long t0, String what) {
        System.out.printf("KillRestartIT: %s after %d ms%n", what, (System.nanoTime() - t0) / 1_000_000);
    }

    /** A running child: its process, stdout lines, stderr file and admin API address (once the banner is out). */
    private record Child(String name, Process process, BlockingQueue<String> stdout, Path stderr, String admin) {
    }

    private Child spawn(List<String> args, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                // the program's own logging (to stderr), not the tests' logback-test.xml on this class path
                "-Dlogback.configurationFile=" + KillRestartIT.class.getResource("/logback.xml"),
                "io.kubeway.cli.Main"));
        command.addAll(args);
        Path stderr = tmp.resolve(name + ".stderr");
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        processes.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        return new Child(name, p, lines, stderr, null);
    }

    private static long awaitFirstLogLine(Child child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.size(child.stderr()) == 0) {
            assertThat(System.nanoTime()).as(child.name() + " logs within 60 s").isLessThan(deadline);
            assertThat(child.process().isAlive()).as(child.name() + " runs").isTrue();
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    private static Child awaitBanner(Child child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = child.stdout().poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                Matcher m = ADMIN.matcher(line);
                if (m.find()) {
                    return new Child(child.name(), child.process(), child.stdout(), child.stderr(), m.group(1));
                }
            }
            if (!child.process().isAlive()) {
                throw new AssertionError(child.name() + " exited with " + child.process().exitValue() + ": "
                        + Files.readString(child.stderr()));
            }
        }
        throw new AssertionError(child.name() + " printed no banner within 60 s: " + Files.readString(child.stderr()));
    }

    private List<Service> services(String admin) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/api/v1/services"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Serialization.unmarshal(r.body(), ServiceList.class).getItems();
    }

    /** name → ClusterIPs, NodePorts and LoadBalancer IPs, as the admin API reports them. */
    private Map<String, String> allocations(String admin) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Service s : services(admin)) {
            String lb = s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? "[]"
                    : String.valueOf(s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList());
            out.put(s.getMetadata().getName(), "clusterIPs=" + s.getSpec().getClusterIPs() + " nodePorts="
                    + s.getSpec().getPorts().stream().map(p -> p.getNodePort()).toList() + " lb=" + lb);
        }
        assertThat(out).containsOnlyKeys("web", "web-np", "web-lb");
        assertThat(out.get("web-lb")).contains("lb=[127.113.");
        return out;
    }

    /** The ClusterIP of web, the NodePort of web-np and the LoadBalancer IP of web-lb. */
    private List<InetSocketAddress> targets(String admin) throws Exception {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Service s : services(admin)) {
            var port = s.getSpec().getPorts().getFirst();
            switch (s.getMetadata().getName()) {
                case "web" -> out.add(address(s.getSpec().getClusterIP(), port.getPort()));
                case "web-np" -> out.add(address(NODE, port.getNodePort()));
                case "web-lb" -> out.add(address(s.getStatus().getLoadBalancer().getIngress().getFirst().getIp(),
                        port.getPort()));
                default -> throw new AssertionError(s.getMetadata().getName());
            }
        }
        return out;
    }

    private static InetSocketAddress address(String ip, int port) {
        return new InetSocketAddress(IpLiterals.of(ip), port);
    }

    private static boolean answers(InetSocketAddress target) {
        try (Socket s = new Socket()) {
            s.connect(target, 1000);
            s.setSoTimeout(2000);
            return Harness.httpGet(s).startsWith("pod-");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Bounded load until stopped: one keep-alive connection per target sending requests back to back
     * (reconnecting when the connection breaks) and one loop of new connections over the targets. Each loop makes
     * at most 20,000 requests and pauses briefly after a failure.
     */
    private final class Load {
        private static final int MAX_REQUESTS = 20_000;
        final AtomicInteger successes = new AtomicInteger();
        final AtomicInteger keepAliveRequests = new AtomicInteger();
        final AtomicInteger newConnections = new AtomicInteger();
        private final List<InetSocketAddress> targets;
        private final List<Thread> threads = new ArrayList<>();

        Load(List<InetSocketAddress> targets) {
            this.targets = targets;
        }

        void start() {
            for (InetSocketAddress target : targets) {
                threads.add(Thread.ofPlatform().daemon().start(() -> keepAlive(target)));
            }
            threads.add(Thread.ofPlatform().daemon().start(this::newConnections));
        }

        private void keepAlive(InetSocketAddress target) {
            for (int i = 0; i < MAX_REQUESTS && loadRuns.get(); ) {
                try (Socket s = new Socket()) {
                    s.connect(target, 1000);
                    s.setSoTimeout(2000);
                    for (; i < MAX_REQUESTS && loadRuns.get(); i++) {
                        Harness.httpGet(s);
                        keepAliveRequests.incrementAndGet();
                        successes.incrementAndGet();
                    }
                } catch (IOException e) {
                    i++;
                    pause();
                }
            }
        }

        private void newConnections() {
            for (int i = 0; i < MAX_REQUESTS && loadRuns.get(); i++) {
                if (answers(targets.get(i % targets.size()))) {
                    newConnections.incrementAndGet();
                    successes.incrementAndGet();
                } else {
                    pause();
                }
            }
        }

        void awaitSuccesses(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (successes.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(successes.get()).as("successful requests").isGreaterThanOrEqualTo(n);
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(5000);
            }
        }

        private static void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
