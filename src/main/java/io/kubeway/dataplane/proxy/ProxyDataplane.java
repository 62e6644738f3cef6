package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.dataplane.proxy.l4.BindFailedException;
import io.kubeway.dataplane.proxy.l4.L4Context;
import io.kubeway.dataplane.proxy.l4.L4Socket;
import io.kubeway.dataplane.proxy.l4.Route;
import io.kubeway.dataplane.proxy.l4.ServiceMeters;
import io.kubeway.dataplane.proxy.l4.ServiceMetersPool;
import io.kubeway.dataplane.proxy.l4.TcpListener;
import io.kubeway.dataplane.proxy.l4.UdpListener;
import io.kubeway.dataplane.proxy.lb.AffinityTable;
import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.DesiredState;
import io.kubeway.state.Diff;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The userspace L4 data plane: a Netty TCP or UDP socket per {@link ListenKey}, forwarding to the
 * listener's cluster.
 *
 * <p>{@link #apply} diffs the desired listeners against the ones serving: new keys are bound (a failure is
 * reported and retried on the next apply, the others still serve); removed keys stop listening while
 * their connections drain by themselves; changed keys get a new {@link Route} swapped in atomically, so
 * new connections use the new endpoints while established ones, even to removed endpoints, keep flowing
 * (UDP flows to removed endpoints end, as kube-proxy's conntrack cleanup does: see {@link UdpListener});
 * unchanged keys are not touched. ClientIP affinity state belongs to the key and survives route swaps.
 *
 * <p>TCP details are in {@code l4.TcpFrontendHandler} and {@code l4.TcpRelay}; balancing in
 * {@link Balancer}; metrics in {@link ServiceMeters}.
 */
public final class ProxyDataplane implements Dataplane {
    private static final Logger log = LoggerFactory.getLogger(ProxyDataplane.class);

    /** A serving (or draining) listener: what it was built from, its socket and its affinity state. */
    private record Serving(L4Listener spec, L4Socket socket, AffinityTable affinity) {}

    private final Clock clock;
    private final EventLoopGroup group;
    private final L4Context l4;
    private final ServiceMetersPool metersPool;
    private final Map<ListenKey, Serving> serving = new HashMap<>();
    /** Removed UDP listeners whose flows still run; revived if their key comes back. */
    private final Map<ListenKey, Serving> draining = new HashMap<>();
    private boolean closed;
    /** TCP binds asked of the event loops before waiting for them. */
    static final int BINDS_IN_FLIGHT = 256;
    /** Above this many new listeners in one apply, one summary line instead of one per listener. */
    static final int QUIET_ABOVE = 100;
    /** The l4 map of the state applied last, and the keys of it that failed to bind (retried on the next apply). */
    private Map<ListenKey, L4Listener> applied = Map.of();
    private java.util.Set<ListenKey> failed = java.util.Set.of();
    private final Transport transport;

    public ProxyDataplane(ProxyConfig config, MeterRegistry registry, Clock clock) {
        requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.metersPool = new ServiceMetersPool(requireNonNull(registry, "registry"));
        this.transport = Transport.select(config.transport());
        this.group = transport.newGroup(config.workerThreads(), "kubeway-proxy");
        this.l4 = new L4Context(group, transport, clock, config.connectTimeout(), config.udpIdleTimeout(),
                config.maxClientConnections());
        log.info("proxy data plane using the {} transport", transport.name());
    }

    /** The I/O transport in use; other data planes (HTTP) share it and {@link #group()}. */
    public Transport transport() {
        return transport;
    }

    /** The event loops; shared so that L4 and HTTP traffic use the same threads. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * See {@link Dataplane#apply}. The failures map is ordered by key. A state whose {@link DesiredState.Delta}
     * starts from the state applied last is applied by looking at the delta's keys (and the keys that failed last
     * time, retried) only; any other state is diffed against every serving listener.
     */
    @Override
    public synchronized Map<ListenKey, String> apply(DesiredState state) {
        if (closed) throw new IllegalStateException("data plane is closed");
        draining.values().removeIf(s -> !s.socket().channel().isOpen());
        Diff<ListenKey, L4Listener> diff;
        DesiredState.Delta delta = state.delta();
        if (delta != null && delta.from(applied)) {
            diff = diffOver(delta.keys(), state.l4());
        } else {
            Map<ListenKey, L4Listener> current = new HashMap<>();
            serving.forEach((k, s) -> current.put(k, s.spec()));
            diff = Diff.of(current, state.l4());
        }

        new TreeMap<>(diff.removed()).keySet().forEach(this::remove);
        new TreeMap<>(diff.changed()).values().forEach(this::change);
        SortedMap<ListenKey, String> failures = new TreeMap<>();
        java.util.List<L4Listener> tcp = new java.util.ArrayList<>();
        for (L4Listener spec : new TreeMap<>(diff.added()).values()) {
            if (spec.key().protocol() == Protocol.TCP) {
                tcp.add(spec);
                continue;
            }
            String failure = add(spec);
            if (failure != null) failures.put(spec.key(), failure);
        }
        addTcp(tcp, failures);
        applied = state.l4();
        failed = failures.keySet();
        return Collections.unmodifiableSortedMap(failures);
    }

    /** The difference from what serves over {@code keys} and the keys that failed to bind last time. */
    private Diff<ListenKey, L4Listener> diffOver(java.util.Set<ListenKey> keys, Map<ListenKey, L4Listener> next) {
        Map<ListenKey, L4Listener> before = new HashMap<>();
        Map<ListenKey, L4Listener> after = new HashMap<>();
        for (java.util.Set<ListenKey> ks : java.util.List.of(keys, failed)) {
            for (ListenKey k : ks) {
                Serving s = serving.get(k);
                if (s != null) before.put(k, s.spec());
                L4Listener l = next.get(k);
                if (l != null) after.put(k, l);
            }
        }
        return Diff.of(before, after);
    }

    private String add(L4Listener spec) {
        ListenKey key = spec.key();
        if (key.protocol() == Protocol.SCTP) {
            return "bind " + key + ": SCTP is not supported by the proxy data plane";
        }
        Serving old = key.protocol() == Protocol.UDP ? draining.remove(key) : null;
        AffinityTable affinity = old != null ? old.affinity() : new AffinityTable();
        Route route = route(spec, affinity);
        try {
            L4Socket socket;
            if (old != null && ((UdpListener) old.socket()).revive(route)) {
                socket = old.socket();
                log.info("{}: revived draining listener for {} ({})", key, spec.service(), spec.kind());
            } else if (key.protocol() == Protocol.UDP) {
                socket = UdpListener.bind(key, route, l4);
            } else {
                socket = TcpListener.bind(key, route, l4);
            }
            serving.put(key, new Serving(spec, socket, affinity));
            log.info("{}: listening for {} ({}), {} endpoint(s)", key, spec.service(), spec.kind(),
                    spec.cluster().endpoints().size());
            return null;
        } catch (BindFailedException e) {
            metersPool.release(route.meters());
            log.warn("{}", e.getMessage());
            return e.getMessage();
        }
    }

    /**
     * Binds new TCP listeners {@link #BINDS_IN_FLIGHT} at a time: the event loops bind them side by side, the sync
     * thread waits once per batch rather than once per socket. One log line per listener, or one for all when many.
     */
    private void addTcp(java.util.List<L4Listener> specs, Map<ListenKey, String> failures) {
        boolean quiet = specs.size() > QUIET_ABOVE;
        for (int from = 0; from < specs.size(); from += BINDS_IN_FLIGHT) {
            java.util.List<L4Listener> batch = specs.subList(from, Math.min(specs.size(), from + BINDS_IN_FLIGHT));
            java.util.List<TcpListener.Pending> pending = new java.util.ArrayList<>(batch.size());
            java.util.List<Route> routes = new java.util.ArrayList<>(batch.size());
            java.util.List<AffinityTable> affinities = new java.util.ArrayList<>(batch.size());
            for (L4Listener spec : batch) {
                AffinityTable affinity = new AffinityTable();
                Route route = route(spec, affinity);
                routes.add(route);
                affinities.add(affinity);
                pending.add(TcpListener.start(spec.key(), route, l4));
            }
            for (int i = 0; i < batch.size(); i++) {
                L4Listener spec = batch.get(i);
                try {
                    TcpListener socket = pending.get(i).await();
                    serving.put(spec.key(), new Serving(spec, socket, affinities.get(i)));
                    if (!quiet) {
                        log.info("{}: listening for {} ({}), {} endpoint(s)", spec.key(), spec.service(), spec.kind(),
                                spec.cluster().endpoints().size());
                    }
                } catch (BindFailedException e) {
                    metersPool.release(routes.get(i).meters());
                    log.warn("{}", e.getMessage());
                    failures.put(spec.key(), e.getMessage());
                }
            }
        }
        if (quiet) {
            log.info("listening on {} new TCP listener(s) ({} failed)", specs.size(),
                    specs.stream().filter(s -> failures.containsKey(s.key())).count());
        }
    }

    private void change(L4Listener spec) {
        Serving s = serving.get(spec.key());
        Route old = s.socket().route();
        s.socket().route(route(spec, s.affinity()));
        metersPool.release(old.meters());
        serving.put(spec.key(), new Serving(spec, s.socket(), s.affinity()));
        log.info("{}: now {} endpoint(s) for {}", spec.key(), spec.cluster().endpoints().size(), spec.service());
    }

    private void remove(ListenKey key) {
        Serving s = serving.remove(key);
        s.socket().close();
        metersPool.release(s.socket().route().meters());
        if (s.socket() instanceof UdpListener) draining.put(key, s);
        log.info("{}: stopped listening for {}", key, s.spec().service());
    }

    private Route route(L4Listener spec, AffinityTable affinity) {
        ServiceMeters meters = metersPool.acquire(spec.service().toString(), spec.kind());
        return new Route(spec, new Balancer(spec.cluster(), affinity, clock), meters);
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}. */
    public String transportName() {
        return l4.transport().name();
    }

    /** Closes every listener and every connection, and stops the event loops. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (Map<ListenKey, Serving> m : java.util.List.of(serving, draining)) {
            for (Serving s : m.values()) {
                s.socket().closeNow();
                if (m == serving) metersPool.release(s.socket().route().meters());
            }
            m.clear();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** The socket serving {@code key}, or null (tests). */
    synchronized L4Socket socket(ListenKey key) {
        Serving s = serving.get(key);
        return s == null ? null : s.socket();
    }

    /** The socket of a removed UDP listener still draining, or null (tests). */
    synchronized L4Socket drainingSocket(ListenKey key) {
        Serving s = draining.get(key);
        return s == null ? null : s.socket();
    }
}
