package io.kubeway.bench;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeway.ClusterSettings;
import io.kubeway.IngressSettings;
import io.kubeway.KubewayOptions;
import io.kubeway.KubewayServer;
import io.kubeway.admin.ClusterView;
import io.kubeway.admin.ListenerStatus;
import io.kubeway.cluster.LeaderElection;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The in-cluster scale benchmark (bench/cluster-scale-bench.sh runs it): fabric8's mock API server (CRUD mode, a
 * process of its own) holding N ClusterIP Services as a real API server holds them (cluster IPs from 10.96.0.0/16)
 * and one EndpointSlice of E endpoints each (addresses in 198.18.0.0/15, never contacted), then Kubeway started in
 * this JVM with {@code --kubeconfig} and the given roles. Measures:
 * <ol>
 *   <li>the time from {@link KubewayServer#start} to every ClusterIP listener bound, and to {@code /readyz} 200;</li>
 *   <li>the heap after a full collection, less what this JVM held before Kubeway started;</li>
 *   <li>U EndpointSlice updates (one endpoint's {@code ready} condition flipped, in a random slice), each timed from
 *       the API write to the data plane using it: the end of the sync whose {@code Dataplane.apply} swapped the new
 *       endpoint set into that ClusterIP's listening socket (seen from {@code Controller.onSynced}, in the
 *       listener's status built from what was applied). The next connection accepted there is balanced over it.</li>
 * </ol>
 * With {@code ingresses} above 0, that many Ingresses too (four paths each to Services of their namespace, every
 * tenth merged into another's host), so that each update's sync also runs the Ingress part.
 * Loopback only, every wait bounded. Usage:
 * {@code ClusterScaleBench [services] [endpoints] [updates] [roles] [ingresses]}.
 */
public final class ClusterScaleBench {
    private static final String NS_KUBEWAY = "kubeway-system";
    private static final int NAMESPACES = 100;
    private static final long CLUSTER_IP_BASE = v4("10.96.0.10");
    private static final long ENDPOINT_BASE = v4("198.18.0.1");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration UPDATE_TIMEOUT = Duration.ofSeconds(10);

    private final int services;
    private final int perSlice;
    private volatile Expectation expect;

    private final int ingresses;

    private ClusterScaleBench(int services, int perSlice, int ingresses) {
        this.ingresses = ingresses;
        this.services = services;
        this.perSlice = perSlice;
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int perSlice = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int updates = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        String roles = args.length > 3 ? args[3] : "proxy,loadbalancer,ingress";
        int ingresses = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        if (services > 60_000 || (long) services * perSlice > 130_000) {
            throw new IllegalArgumentException("at most 60,000 services and 130,000 endpoints (the address ranges)");
        }
        new ClusterScaleBench(services, perSlice, ingresses).run(updates, roles);
        System.exit(0);
    }

    private void run(int updates, String roles) throws Exception {
        Path dir = Files.createTempDirectory("kubeway-cluster-bench");
        Process api = startApiServer(dir);
        try (KubernetesClient client = client(readPort(api, dir.resolve("api-server.port")))) {
            long t = System.nanoTime();
            populate(client);
            report("wrote %,d services and %,d endpoint slices (%,d endpoints) and %,d Ingresses to the mock API "
                    + "server in %,d ms", services, services, services * perSlice, ingresses, ms(System.nanoTime() - t));
            long baseline = heapAfterGc();
            KubewayOptions options = options(dir, kubeconfig(dir, client), roles);

            long start = System.nanoTime();
            KubewayServer server = KubewayServer.start(options, Clock.systemUTC());
            try {
                CompletableFuture<Long> allBound = new CompletableFuture<>();
                server.controller().onSynced(() -> {
                    ClusterView v = server.view();
                    if (!allBound.isDone() && v.listeners().size() >= services
                            && v.listeners().stream().allMatch(l -> l.error() == null)) {
                        allBound.complete(System.nanoTime());
                    }
                    Expectation e = expect;
                    if (e != null && !e.applied.isDone() && e.metBy(server.controller().listenerStatus(e.listener))) {
                        e.applied.complete(System.nanoTime());
                    }
                });
                long ready = waitReady(server.adminAddress());
                long bound = allBound.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                report("roles %s: every ClusterIP listener bound %,d ms after KubewayServer.start; /readyz 200 after "
                        + "%,d ms (JVM up %,d ms before the start)", roles, ms(bound - start), ms(ready - start),
                        ManagementFactory.getRuntimeMXBean().getUptime() - ms(System.nanoTime() - start));
                long heap = heapAfterGc();
                report("heap after a full GC: %,d MiB used by Kubeway (%,d MiB in all, %,d MiB before it started); "
                        + "max heap %,d MiB", mib(heap - baseline), mib(heap), mib(baseline),
                        mib(Runtime.getRuntime().maxMemory()));
                updates(client, server, updates);
                report("heap after a full GC after the updates: %,d MiB used by Kubeway", mib(heapAfterGc() - baseline));
            } finally {
                server.close();
                removeServiceAddresses();
            }
        } finally {
            api.getOutputStream().close();
            if (!api.waitFor(10, TimeUnit.SECONDS)) {
                api.destroyForcibly();
            }
        }
    }

    /** Flips one endpoint's ready condition per update; times the API write to the data plane using it. */
    private void updates(KubernetesClient client, KubewayServer server, int count) throws Exception {
        Timer syncLatency = server.registry().find("kubeway_sync_latency").timer();
        long syncCount0 = syncLatency.count();
        double syncTotal0 = syncLatency.totalTime(TimeUnit.MILLISECONDS);
        Random random = new Random(42);
        long[] total = new long[count];
        long[] afterAck = new long[count];
        long[] write = new long[count];
        int missed = 0;
        for (int i = 0; i < count; i++) {
            int svc = random.nextInt(services);
            int ep = random.nextInt(perSlice);
            EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace(namespace(svc))
                    .withName(sliceName(svc)).get();
            Endpoint endpoint = slice.getEndpoints().get(ep);
            boolean ready = !Boolean.TRUE.equals(endpoint.getConditions().getReady());
            endpoint.getConditions().setReady(ready);
            endpoint.getConditions().setServing(ready);
            Expectation e = new Expectation(new io.kubeway.state.ListenKey(
                    InetAddress.getByName(ip(CLUSTER_IP_BASE + svc)), 80, io.kubeway.core.Protocol.TCP),
                    ip(ENDPOINT_BASE + (long) svc * perSlice + ep) + ":8080", ready);
            expect = e;
            long t0 = System.nanoTime();
            client.resource(slice).update();
            long t1 = System.nanoTime();
            try {
                long t2 = e.applied.get(UPDATE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                total[i] = t2 - t0;
                afterAck[i] = Math.max(0, t2 - t1);
                write[i] = t1 - t0;
            } catch (TimeoutException te) {
                missed++;
                total[i] = afterAck[i] = UPDATE_TIMEOUT.toNanos();
                write[i] = t1 - t0;
            }
            expect = null;
            Thread.sleep(25 + random.nextInt(25)); // updates arrive apart, not back to back behind the 20 ms floor
        }
        long syncs = syncLatency.count() - syncCount0;
        double syncMean = syncs == 0 ? 0 : (syncLatency.totalTime(TimeUnit.MILLISECONDS) - syncTotal0) / syncs;
        report("%,d EndpointSlice updates (%d not applied within %d s):", count, missed, UPDATE_TIMEOUT.toSeconds());
        report("  API write -> data plane using it: %s", percentiles(total));
        report("  write acknowledged -> data plane:  %s", percentiles(afterAck));
        report("  the write itself (mock API server): %s", percentiles(write));
        report("  kubeway_sync_latency (snapshot -> data plane) over those syncs: mean %.1f ms, %,d syncs", syncMean,
                syncs);
    }

    /**
     * The endpoint to look for in one listener's status. Looked up by key in what the last sync applied
     * ({@code Controller.listenerStatus}), not in the admin view's sorted listener list, which is built only when read.
     */
    private record Expectation(io.kubeway.state.ListenKey listener, String endpoint, boolean present,
                               CompletableFuture<Long> applied) {
        Expectation(io.kubeway.state.ListenKey listener, String endpoint, boolean present) {
            this(listener, endpoint, present, new CompletableFuture<>());
        }

        boolean metBy(ListenerStatus l) {
            if (l == null) return false;
            boolean has = l.endpoints().stream().anyMatch(s -> s.startsWith(endpoint + " ") || s.equals(endpoint));
            return has == present;
        }
    }

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms", at(s, 0.50), at(s, 0.90),
                at(s, 0.99), s[s.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    // ---- the cluster, as a real API server holds it

    private void populate(KubernetesClient client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    for (int i = worker; i < services; i += 4) {
                        client.resource(service(i)).create();
                        client.resource(slice(i)).create();
                    }
                    for (int i = worker; i < ingresses; i += 4) {
                        client.resource(ingress(i)).create();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Ingress {@code i}: four paths to Services of its namespace; every tenth shares the previous one's host. */
    private io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(int i) {
        int host = i % 10 == 9 ? i - 1 : i;
        var b = new io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder().withNewMetadata()
                .withNamespace(namespace(i)).withName("ing-" + i).endMetadata().withNewSpec()
                .withIngressClassName("kubeway").addNewRule().withHost("h-" + host + ".example.com").withNewHttp();
        for (int p = 0; p < 4; p++) {
            int svc = ((i / NAMESPACES) * 4 + p) * NAMESPACES + i % NAMESPACES; // same namespace
            b.addNewPath().withPath("/p" + p + (i % 10 == 9 ? "-b" : "")).withPathType("Prefix").withNewBackend()
                    .withNewService().withName("svc-" + (svc % services)).withNewPort().withNumber(80).endPort()
                    .endService().endBackend().endPath();
        }
        return b.endHttp().endRule().endSpec().build();
    }

    private static String namespace(int svc) {
        return "ns-" + (svc % NAMESPACES);
    }

    private static String sliceName(int svc) {
        return "svc-" + svc + "-x7k2q";
    }

    private Service service(int i) {
        String ip = ip(CLUSTER_IP_BASE + i);
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace(i)).withName("svc-" + i)
                .withUid("00000000-0000-4000-8000-" + String.format("%012d", i))
                .withCreationTimestamp("2026-12-05T00:00:00Z").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(ip).withClusterIPs(ip).withIpFamilies("IPv4")
                .withIpFamilyPolicy("SingleStack").withSessionAffinity("None").withInternalTrafficPolicy("Cluster")
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).endPort()
                .addToSelector("app", "svc-" + i).endSpec().build();
    }

    private EndpointSlice slice(int i) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(namespace(i))
                .withName(sliceName(i)).addToLabels("kubernetes.io/service-name", "svc-" + i)
                .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .addNewOwnerReference().withApiVersion("v1").withKind("Service").withName("svc-" + i)
                .withUid("00000000-0000-4000-8000-" + String.format("%012d", i)).withController(true)
                .withBlockOwnerDeletion(true).endOwnerReference().endMetadata()
                .withAddressType("IPv4").addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort();
        for (int e = 0; e < perSlice; e++) {
            b.addNewEndpoint().withAddresses(ip(ENDPOINT_BASE + (long) i * perSlice + e))
                    .withNodeName("node-" + (e % 10)).withNewTargetRef().withKind("Pod").withNamespace(namespace(i))
                    .withName("svc-" + i + "-pod-" + e).endTargetRef()
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                    .endEndpoint();
        }
        return b.build();
    }

    // ---- the processes and Kubeway's settings

    private static Process startApiServer(Path dir) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"), MockApiServerProcess.class.getName(),
                dir.resolve("api-server.port").toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("api-server.log").toFile())
                .start();
    }

    private static int readPort(Process api, Path file) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            if (!api.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("the mock API server did not start; see " + file.resolveSibling("api-server.log"));
            }
            Thread.sleep(50);
        }
        return Integer.parseInt(Files.readString(file).strip());
    }

    private static KubernetesClient client(int port) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port)
                .withNamespace("default").withRequestTimeout(30_000).build()).build();
    }

    private static Path kubeconfig(Path dir, KubernetesClient client) throws IOException {
        Path p = dir.resolve("kubeconfig");
        Files.writeString(p, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: bench
                  cluster:
                    server: %s
                contexts:
                - name: bench
                  context: {cluster: bench, user: bench, namespace: default}
                current-context: bench
                users:
                - name: bench
                  user: {token: bench}
                """.formatted(client.getMasterUrl().toString()));
        return p;
    }

    private static KubewayOptions options(Path dir, Path kubeconfig, String roles) throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        ClusterSettings cluster = new ClusterSettings(kubeconfig, ClusterSettings.Role.parse(roles), NS_KUBEWAY,
                "kubeway-bench", LeaderElection.Timing.DEFAULT);
        return new KubewayOptions(List.of(), "10.96.0.0/16", "30000-32767", List.of(lo), List.of("127.224.0.0/16"),
                dir.resolve("state"), new InetSocketAddress(lo, 0), "node-0", 0, Duration.ofMillis(200), "auto",
                IngressSettings.defaults(new InetSocketAddress(lo, freePort()), new InetSocketAddress(lo, freePort())),
                io.kubeway.dataplane.ConnectionLimits.defaults(), io.kubeway.source.file.ManifestLimits.DEFAULT_MAX_FILE_BYTES,
                cluster);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static long waitReady(InetSocketAddress admin) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/readyz"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return System.nanoTime();
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new TimeoutException("/readyz not 200 within " + READY_TIMEOUT);
    }

    /**
     * Removes the Service IPs the proxy role put on {@code lo} (label {@code lo:kubeway}, where the kernel has no dummy
     * interfaces) or left on {@code kubeway0}: Kubeway keeps them across restarts on purpose, a benchmark must not.
     */
    private static void removeServiceAddresses() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (String[] dev : List.of(new String[] {"lo", "label", "lo:kubeway"}, new String[] {"kubeway0"})) {
            List<String> cmd = new ArrayList<>(List.of("ip", "-4", "-o", "addr", "show", "dev"));
            cmd.addAll(List.of(dev));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 0; i + 1 < f.length; i++) {
                    if (f[i].equals("inet")) lines.add("addr del " + f[i + 1] + " dev " + dev[0]);
                }
            }
        }
        if (lines.isEmpty()) return;
        Process p = new ProcessBuilder("ip", "-force", "-batch", "-").redirectErrorStream(true).start();
        p.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        report("removed %,d service address(es) from lo:kubeway / kubeway0", lines.size());
    }

    // ---- small helpers

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void report(String format, Object... args) {
        System.out.println("BENCH " + String.format(format, args));
        System.out.flush();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    private static long v4(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) v = (v << 8) | Integer.parseInt(part);
        return v;
    }

    private static String ip(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
