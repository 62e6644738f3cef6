package io.kubeway.dataplane.proxy.l4;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traffic meters of one service port as one kind of listener (tags {@code service} and
 * {@code kind}). Resolved once per listener route so the hot path only bumps counters. Several
 * listeners can share one instance (a NodePort listens on every node address); see
 * {@link ServiceMetersPool}.
 *
 * <p>Micrometer names, and what the Prometheus registry exports them as:
 * {@code kubeway.connections} ({@code kubeway_connections_total}: TCP connections accepted for
 * proxying and UDP flows), {@code kubeway.connections.rejected} ({@code kubeway_connections_rejected_total}:
 * refused for lack of endpoints), {@code kubeway.active.connections} ({@code kubeway_active_connections})
 * and {@code kubeway.bytes} ({@code kubeway_bytes_total}, {@code direction} {@code rx} client to
 * backend, {@code tx} backend to client).
 */
public final class ServiceMeters {
    public static final String CONNECTIONS = "kubeway.connections";
    public static final String REJECTED = "kubeway.connections.rejected";
    public static final String ACTIVE = "kubeway.active.connections";
    public static final String BYTES = "kubeway.bytes";

    private final String service;
    private final String kind;
    private final Counter connections;
    private final Counter rejected;
    private final Counter rx;
    private final Counter tx;
    private final AtomicLong active = new AtomicLong();
    private final Gauge activeGauge;

    ServiceMeters(MeterRegistry registry, String service, String kind) {
        this.service = service;
        this.kind = kind;
        Tags tags = Tags.of("service", service, "kind", kind);
        connections = Counter.builder(CONNECTIONS).tags(tags)
                .description("TCP connections accepted for proxying and UDP flows").register(registry);
        rejected = Counter.builder(REJECTED).tags(tags)
                .description("TCP connections reset and UDP datagrams dropped for lack of endpoints").register(registry);
        rx = Counter.builder(BYTES).tags(tags).tag("direction", "rx")
                .description("Bytes proxied; rx: client to backend, tx: backend to client").register(registry);
        tx = Counter.builder(BYTES).tags(tags).tag("direction", "tx")
                .description("Bytes proxied; rx: client to backend, tx: backend to client").register(registry);
        activeGauge = Gauge.builder(ACTIVE, active, AtomicLong::get).tags(tags)
                .description("Open proxied TCP connections and live UDP flows").register(registry);
    }

    public String service() {
        return service;
    }

    public String kind() {
        return kind;
    }

    /** A connection or flow was set up for proxying; pair with {@link #closed()}. */
    void opened() {
        connections.increment();
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    void rejected() {
        rejected.increment();
    }

    Counter rx() {
        return rx;
    }

    Counter tx() {
        return tx;
    }

    /** Open connections and flows counted by this instance. */
    public long active() {
        return active.get();
    }

    List<Meter> meters() {
        return List.of(connections, rejected, rx, tx, activeGauge);
    }
}
