package io.kubeway.allocate;

import io.kubeway.core.NamespacedName;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Everything handed out, per Service: the state that survives restarts (the API server keeps it in etcd;
 * we keep it in {@link AllocationStore}). Immutable, ordered by namespace/name.
 */
public record Allocations(Map<NamespacedName, ServiceAllocation> services) {
    private static final Allocations EMPTY = new Allocations(Map.of());

    public Allocations {
        requireNonNull(services, "services");
        services = Collections.unmodifiableMap(new TreeMap<>(services));
    }

    public static Allocations empty() {
        return EMPTY;
    }
}
