package io.kubeway.warmup;

import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.http.HttpDataplane;
import io.kubeway.dataplane.http.HttpEngineConfig;
import io.kubeway.dataplane.proxy.ProxyConfig;
import io.kubeway.dataplane.proxy.l4.L4Context;
import io.kubeway.dataplane.proxy.l4.Route;
import io.kubeway.dataplane.proxy.l4.ServiceMetersPool;
import io.kubeway.dataplane.proxy.l4.TcpListener;
import io.kubeway.dataplane.proxy.lb.AffinityTable;
import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.Cluster;
import io.kubeway.state.Endpoint;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.state.ServicePortName;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.PathMatch;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One warm-up run: a private Ingress listener and L4 listener on 127.0.0.1 (ephemeral ports), built from the same
 * classes as the real data plane ({@link HttpDataplane} and its engine, {@link TcpListener}, {@link RouteTable},
 * {@link Balancer}) on the real event loops and transport, in front of a {@link WarmUpBackend}, with
 * {@link WarmUpClient}s sending real requests through them until {@link WarmUpSettings} says stop.
 *
 * <p>Isolated from what Kubeway reports: its data plane has a registry of its own (a {@link PrometheusMeterRegistry},
 * thrown away after, so the meters' classes are the ones real traffic records into), no access log, and it is known
 * to neither the controller nor the admin API. Everything it opened is closed before {@link #run} returns, whether
 * it succeeded or not.
 */
final class WarmUp {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WarmUp.class);
    /** The Host of the warm-up's browser-like requests: a reserved name (RFC 2606) no real client sends. */
    static final String HOST = "warm-up.kubeway.invalid";

    /**
     * What a run did.
     *
     * @param requests        requests the clients sent and got a full 200 answer to
     * @param backendRequests requests the backend answered (through the HTTP and L4 listeners)
     * @param proxiedHttp     requests the private HTTP engine counted in its own registry
     * @param l4Connections   connections the private L4 listener counted in its own registry
     * @param seconds         how long the traffic ran
     * @param compileBeforeMillis the JVM's total compilation time when the run started (-1: not measurable)
     * @param compileAfterMillis  the same when it ended
     * @param cpuSeconds      the process's CPU time during the run (all threads: proxy, compilers, client, backend)
     * @param stopped         why it stopped: {@code settled}, {@code time cap}, {@code request cap}, {@code closed}
     * @param listeners       the addresses the run listened on (HTTP if any, L4, backend), all closed now
     */
    record Result(long requests, long backendRequests, long proxiedHttp, long l4Connections, double seconds,
                  long compileBeforeMillis, long compileAfterMillis, double cpuSeconds, String stopped,
                  List<InetSocketAddress> listeners) {
    }

    private final WarmUpSettings settings;
    private final boolean withHttp;
    private final Transport transport;
    private final EventLoopGroup group;
    private final HttpEngineConfig httpConfig;
    private final Clock clock;
    private final JitClock jit = new JitClock();
    final AtomicLong sent = new AtomicLong();
    private volatile boolean stop;

    /**
     * @param withHttp   whether to warm the Ingress path too (false when this instance has no ingress role: its
     *                   HTTP data plane never serves, and compiling it would only cost CPU)
     * @param httpConfig the real HTTP data plane's settings (limits, trusted proxies); the access log is turned off
     */
    WarmUp(WarmUpSettings settings, boolean withHttp, Transport transport, EventLoopGroup group,
           HttpEngineConfig httpConfig, Clock clock) {
        this.settings = settings;
        this.withHttp = withHttp;
        this.transport = transport;
        this.group = group;
        this.httpConfig = httpConfig.withAccessLog("off");
        this.clock = clock;
    }

    /** Asks a running {@link #run} to stop at its next check; it still closes everything before it returns. */
    void stop() {
        stop = true;
    }

    /** Runs the warm-up on this thread (not an event loop) and returns when it is over and everything is closed. */
    Result run() throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        long compile0 = jit.compileMillis();
        double cpu0 = jit.cpuSeconds();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ListenKey any = new ListenKey(InetAddress.getLoopbackAddress(), 0, Protocol.TCP);
        HttpDataplane http = null;
        TcpListener l4 = null;
        List<Thread> clients = new ArrayList<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        String stopped = "closed";
        try (WarmUpBackend backend = WarmUpBackend.start()) {
            Endpoint endpoint = new Endpoint(backend.address().getAddress(), backend.address().getPort(), "warm-up");
            InetSocketAddress httpAddress = null;
            if (withHttp) {
                http = new HttpDataplane(transport, group, httpConfig, registry, clock);
                Map<ListenKey, String> failed = http.apply(new HttpState(List.of(any), List.of(), router(endpoint),
                        Map.of(), null));
                if (!failed.isEmpty()) throw new IOException("warm-up HTTP listener: " + failed.values());
                httpAddress = http.boundAddress(any);
            }
            ServiceMetersPool pool = new ServiceMetersPool(registry);
            L4Listener spec = new L4Listener(any, new ServicePortName(new NamespacedName("kubeway", "warm-up"), "http",
                    Protocol.TCP), "ClusterIP", new Cluster("kubeway/warm-up:http/TCP", List.of(endpoint), 0));
            ProxyConfig d = ProxyConfig.defaults();
            l4 = TcpListener.bind(any, new Route(spec, new Balancer(spec.cluster(), new AffinityTable(), clock),
                            pool.acquire(spec.service().toString(), spec.kind())),
                    new L4Context(group, transport, clock, d.connectTimeout(), d.udpIdleTimeout(), 1024));
            InetSocketAddress l4Address = (InetSocketAddress) l4.channel().localAddress();
            log.info("warm-up: synthetic traffic through private listeners {} (HTTP) and {} (TCP) to a backend on {}",
                    httpAddress == null ? "none" : hostPort(httpAddress), hostPort(l4Address), hostPort(backend.address()));
            for (int i = 0; i < settings.clients(); i++) {
                WarmUpClient client = new WarmUpClient(httpAddress, l4Address, sent);
                clients.add(Thread.ofPlatform().daemon().name("kubeway-warm-up-client-" + i).start(() -> {
                    try {
                        client.run(() -> stop || failure.get() != null);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            stopped = watch(startNanos, failure);
            stop = true;
            for (Thread t : clients) t.join(WarmUpClient.TIMEOUT_MILLIS + 1000L);
            if (failure.get() != null) throw new IOException("warm-up request failed: " + failure.get(), failure.get());
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            return new Result(sent.get(), backend.requests(), count(registry, "kubeway.http.requests"),
                    count(registry, "kubeway.connections"), seconds, compile0, jit.compileMillis(),
                    jit.cpuSeconds() - cpu0, stopped, httpAddress == null ? List.of(l4Address, backend.address())
                    : List.of(httpAddress, l4Address, backend.address()));
        } finally {
            stop = true;
            for (Thread t : clients) t.interrupt();
            if (l4 != null) l4.close();
            if (http != null) http.close();
            registry.close();
        }
    }

    /** Samples the compilation time every interval until a stop condition holds; returns which. */
    private String watch(long startNanos, AtomicReference<Exception> failure) throws InterruptedException {
        long last = jit.compileMillis();
        int settled = 0;
        while (true) {
            Thread.sleep(settings.interval().toMillis());
            long elapsed = System.nanoTime() - startNanos;
            long now = jit.compileMillis();
            boolean quiet = now >= 0 && now - last < settings.settledMillis();
            settled = quiet ? settled + 1 : 0;
            if (log.isDebugEnabled()) log.debug("warm-up: {} requests, +{} ms of compilation", sent.get(), now - last);
            last = now;
            if (stop) return "closed";
            if (failure.get() != null) return "failed";
            if (elapsed >= settings.cap().toNanos()) return "time cap";
            if (sent.get() >= settings.maxRequests()) return "request cap";
            if (settled >= settings.settledIntervals() && elapsed >= settings.minimum().toNanos()) return "settled";
        }
    }

    /** A table as the translator makes one: a rule without host, and a host, both prefix {@code /} to the backend. */
    private static RouteTable router(Endpoint endpoint) {
        Backend backend = new Backend.Service(new HttpCluster("kubeway/warm-up:80", List.of(endpoint),
                BackendProtocol.HTTP));
        io.kubeway.state.http.routing.Route any = new io.kubeway.state.http.routing.Route("kubeway/warm-up", "",
                PathMatch.prefix("/"), backend, null, RoutePolicy.DEFAULT);
        io.kubeway.state.http.routing.Route named = new io.kubeway.state.http.routing.Route("kubeway/warm-up", HOST,
                PathMatch.prefix("/"), backend, null, RoutePolicy.DEFAULT);
        io.kubeway.state.http.routing.Route fallback = io.kubeway.state.http.routing.Route.builtInDefault();
        return new RouteTable(new RouteConfig(List.of(new VirtualHost("", false, null, List.of(any), fallback),
                new VirtualHost(HOST, false, null, List.of(named), fallback)), fallback, 443));
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static long count(PrometheusMeterRegistry registry, String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
