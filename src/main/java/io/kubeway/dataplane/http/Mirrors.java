package io.kubeway.dataplane.http;

import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounds and meters of request mirroring ({@code mirror-target}): at most {@link #MAX_IN_FLIGHT} copies in
 * flight per listener (a slow or dead mirror never holds more), a copy's body at most {@link #MAX_BODY_BYTES}; a
 * copy over either bound is dropped and counted ({@code kubeway_http_mirror_dropped_total{reason}}), sent ones are
 * counted in {@code kubeway_http_mirror_requests_total}. Thread-safe.
 */
final class Mirrors {
    /** Copies in flight per listener. */
    static final int MAX_IN_FLIGHT = 64;
    /** The largest request body a copy carries; a larger request is not mirrored. */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final ConcurrentHashMap<ListenKey, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Counter sent;
    private final Counter droppedBusy;
    private final Counter droppedBody;
    private final Counter failed;

    Mirrors(MeterRegistry registry) {
        sent = Counter.builder("kubeway_http_mirror_requests").description("request copies sent to mirror targets")
                .register(registry);
        droppedBusy = dropped(registry, "in_flight");
        droppedBody = dropped(registry, "body_too_large");
        failed = Counter.builder("kubeway_http_mirror_failures")
                .description("request copies the mirror target did not answer (connect error, timeout)")
                .register(registry);
    }

    private static Counter dropped(MeterRegistry registry, String reason) {
        return Counter.builder("kubeway_http_mirror_dropped").tag("reason", reason)
                .description("request copies not sent to a mirror target").register(registry);
    }

    /** Takes an in-flight slot of {@code listener}; false (and counted) when it has none left. */
    boolean start(ListenKey listener) {
        AtomicInteger n = inFlight.computeIfAbsent(listener, k -> new AtomicInteger());
        if (n.incrementAndGet() > MAX_IN_FLIGHT) {
            n.decrementAndGet();
            droppedBusy.increment();
            return false;
        }
        sent.increment();
        return true;
    }

    void done(ListenKey listener, boolean answered) {
        AtomicInteger n = inFlight.get(listener);
        if (n != null) n.decrementAndGet();
        if (!answered) failed.increment();
    }

    void bodyTooLarge() {
        droppedBody.increment();
    }

    int inFlight(ListenKey listener) {
        AtomicInteger n = inFlight.get(listener);
        return n == null ? 0 : n.get();
    }
}
