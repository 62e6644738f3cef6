package io.kubeway.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * {@code kubeway_admin_refused_total{reason}}: admin API requests or connections refused by a limit
 * ({@code connections}, {@code timeout}, {@code host}, {@code bad-request}, {@code pipelined}), so an operator can see that a
 * client was turned away and why without the log growing under a flood.
 */
final class AdminMeters {
    private final MeterRegistry registry;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();

    AdminMeters(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    void refused(String reason) {
        refused.computeIfAbsent(reason, r -> Counter.builder("kubeway_admin_refused")
                .description("Admin API connections or requests refused by a limit")
                .tag("reason", r).register(registry)).increment();
    }
}
