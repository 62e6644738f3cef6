package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.l4.BindFailedException;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.Diff;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.HttpState;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The HTTP(S) data plane behind Ingress: a reverse proxy on Netty that routes every request with the current
 * {@link io.kubeway.state.http.Router} and carries out its decision (answer, or proxy to an endpoint of a
 * cluster over HTTP/1.1, HTTP/1.1 over TLS, or HTTP/2 with or without TLS for gRPC).
 *
 * <p>Clients speak HTTP/1.1 (keep-alive, pipelining, WebSocket upgrades) or HTTP/2 (ALPN on TLS, prior knowledge
 * on cleartext). Bodies stream both ways with backpressure and are never held whole. See {@link Exchange} for
 * the request lifecycle, {@link ServerTls} for certificates, {@link LoopUpstreams} for backend pools.
 *
 * <p>{@link #apply} is a listener diff: new listeners are bound (a failure is reported and retried on the next
 * apply), removed ones stop accepting while their connections finish, unchanged ones are not touched. The
 * router is swapped atomically (requests read it once, at their start: in-flight requests and WebSockets are
 * unaffected) and certificates are swapped for new handshakes only.
 */
public final class HttpDataplane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpDataplane.class);
    private static final long SWEEP_SECONDS = 10;

    private final EventLoopGroup group;
    private final Engine engine;
    private final Map<ListenKey, HttpListener> serving = new HashMap<>();
    private final ScheduledFuture<?> sweeper;
    private SortedMap<String, String> certificateProblems = new TreeMap<>();
    private boolean closed;

    /**
     * @param transport the transport {@code group} was built with (channel classes must match its event loops)
     * @param group     event loops for listeners, client and backend connections; owned by the caller
     */
    public HttpDataplane(Transport transport, EventLoopGroup group, HttpEngineConfig config, MeterRegistry registry,
                         Clock clock) {
        this.group = requireNonNull(group, "group");
        this.engine = new Engine(requireNonNull(config, "config"), requireNonNull(transport, "transport"),
                requireNonNull(registry, "registry"), requireNonNull(clock, "clock"));
        this.sweeper = group.next().scheduleWithFixedDelay(() -> engine.limiter().sweep(clock.millis()),
                SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Applies {@code state}; call from one thread at a time, never from an event loop (binding blocks).
     *
     * @return the listeners that could not be set up, with the reason, ordered by key; all others serve
     */
    public synchronized Map<ListenKey, String> apply(HttpState state) {
        requireNonNull(state, "state");
        if (closed) throw new IllegalStateException("data plane is closed");
        if (!state.router().equals(engine.router())) {
            engine.router(state.router());
            Set<String> live = state.router().ingresses();
            if (live != null) engine.meters().retainIngresses(live);
        }
        engine.edge(state.edge());
        certificateProblems = engine.serverTls().update(state.certificates(), state.defaultCertificate(),
                state.clientAuth());
        engine.passthrough(state.passthrough());
        engine.picker().trim();

        SortedMap<ListenKey, String> failures = new TreeMap<>();
        Map<ListenKey, Boolean> desired = new LinkedHashMap<>();
        state.http().forEach(k -> desired.put(k, false));
        for (ListenKey k : state.https()) {
            if (desired.containsKey(k)) failures.put(k, "listed as both http and https");
            else desired.put(k, true);
        }
        Map<ListenKey, Boolean> current = new HashMap<>();
        serving.forEach((k, l) -> current.put(k, l.https()));
        Diff<ListenKey, Boolean> diff = Diff.of(current, desired);

        for (ListenKey k : new TreeMap<>(diff.removed()).keySet()) stop(k);
        for (ListenKey k : new TreeMap<>(diff.changed()).keySet()) stop(k);
        Map<ListenKey, Boolean> toBind = new TreeMap<>(diff.added());
        toBind.putAll(diff.changed());
        toBind.forEach((k, https) -> {
            try {
                serving.put(k, HttpListener.bind(k, https, engine, group));
                log.info("{}: listening for {}", k, https ? "HTTPS" : "HTTP");
            } catch (BindFailedException e) {
                log.warn("{}", e.getMessage());
                failures.put(k, e.getMessage());
            }
        });
        return Collections.unmodifiableSortedMap(failures);
    }

    private void stop(ListenKey k) {
        HttpListener l = serving.remove(k);
        l.stop();
        log.info("{}: stopped listening", k);
    }

    /** Certificates of the last apply that could not be loaded, by SNI name (or {@code default}), with the reason. */
    public synchronized Map<String, String> certificateProblems() {
        return Collections.unmodifiableSortedMap(certificateProblems);
    }

    /** Closes every listener, client connection and pooled backend connection; the event loops stay up. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        sweeper.cancel(false);
        serving.values().forEach(HttpListener::closeAll);
        serving.clear();
        engine.close();
    }

    /** The address {@code key}'s listener is bound to (with the port the kernel chose for port 0), or null. */
    public synchronized java.net.@Nullable InetSocketAddress boundAddress(ListenKey key) {
        HttpListener l = serving.get(key);
        return l == null ? null : (java.net.InetSocketAddress) l.channel().localAddress();
    }

    /** The server channel of {@code key}, or null (tests). */
    synchronized @Nullable Channel listenerChannel(ListenKey key) {
        HttpListener l = serving.get(key);
        return l == null ? null : l.channel();
    }

    Engine engine() {
        return engine;
    }
}
