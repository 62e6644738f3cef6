package io.kubeway.dataplane.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request meters per (ingress, host, path, status): {@code kubeway.http.requests}
 * ({@code kubeway_http_requests_total}), {@code kubeway.http.request.duration}
 * ({@code kubeway_http_request_duration_seconds}, a histogram with fixed buckets from 5 ms to 10 s),
 * {@code kubeway.http.request.bytes} and {@code kubeway.http.response.bytes} (body bytes,
 * {@code *_bytes_total}).
 *
 * <p>Tags stay bounded: ingress, host and path are the route's as written in the Ingress (never the request's),
 * {@code -} and empty for requests no route handled, and the status is the numeric code. Meters are resolved
 * once per tag set and cached, so a request costs one map lookup. Thread-safe.
 */
final class HttpMeters {
    static final String REQUESTS = "kubeway.http.requests";
    static final String DURATION = "kubeway.http.request.duration";
    static final String REQUEST_BYTES = "kubeway.http.request.bytes";
    static final String RESPONSE_BYTES = "kubeway.http.response.bytes";

    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private record Key(String ingress, String host, String path, int status) {}

    private record Meters(Counter requests, Timer duration, Counter requestBytes, Counter responseBytes) {}

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Meters> cache = new ConcurrentHashMap<>();

    HttpMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String ingress, String host, String path, int status, long nanos, long requestBytes, long responseBytes) {
        Key key = new Key(ingress, host, path, status);
        Meters m = cache.get(key);
        if (m == null) m = cache.computeIfAbsent(key, this::register);
        m.requests.increment();
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
        if (requestBytes > 0) m.requestBytes.increment(requestBytes);
        if (responseBytes > 0) m.responseBytes.increment(responseBytes);
    }

    /**
     * Forgets the meters of Ingresses not in {@code live} (they were deleted, or lost all their rules), so their
     * series leave {@code /metrics}; requests no route handled ({@code -}) keep theirs.
     */
    void retainIngresses(Set<String> live) {
        for (var it = cache.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            String ingress = e.getKey().ingress;
            if (ingress.equals("-") || live.contains(ingress)) continue;
            it.remove();
            Meters m = e.getValue();
            registry.remove(m.requests);
            registry.remove(m.duration);
            registry.remove(m.requestBytes);
            registry.remove(m.responseBytes);
        }
    }

    private Meters register(Key k) {
        Tags tags = Tags.of("ingress", k.ingress, "host", k.host, "path", k.path, "status", Integer.toString(k.status));
        return new Meters(
                Counter.builder(REQUESTS).tags(tags).description("HTTP requests answered").register(registry),
                Timer.builder(DURATION).tags(tags).serviceLevelObjectives(BUCKETS)
                        .description("Time from the request head to the end of the response").register(registry),
                Counter.builder(REQUEST_BYTES).tags(tags).baseUnit("bytes").description("Request body bytes")
                        .register(registry),
                Counter.builder(RESPONSE_BYTES).tags(tags).baseUnit("bytes").description("Response body bytes")
                        .register(registry));
    }
}
