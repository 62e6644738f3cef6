package io.kubeway.dataplane.proxy.l4;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Hands out one {@link ServiceMeters} per (service, kind) and removes its meters from the registry when
 * the last listener using it is gone. Connections still draining after that keep counting into the
 * detached meters, which no longer export. Thread-safe.
 */
public final class ServiceMetersPool {
    private record Key(String service, String kind) {}

    private static final class Held {
        final ServiceMeters meters;
        int users;

        Held(ServiceMeters meters) {
            this.meters = meters;
        }
    }

    private final MeterRegistry registry;
    private final Map<Key, Held> held = new HashMap<>();

    public ServiceMetersPool(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
    }

    /** The meters for {@code service} and {@code kind}, registering them on first use. */
    public synchronized ServiceMeters acquire(String service, String kind) {
        Held h = held.computeIfAbsent(new Key(service, kind), k -> new Held(new ServiceMeters(registry, service, kind)));
        h.users++;
        return h.meters;
    }

    /** Gives back what {@link #acquire} returned; the last release removes the meters. */
    public synchronized void release(ServiceMeters meters) {
        Key k = new Key(meters.service(), meters.kind());
        Held h = held.get(k);
        if (h == null || h.meters != meters) return;
        if (--h.users == 0) {
            held.remove(k);
            for (Meter m : meters.meters()) registry.remove(m);
        }
    }
}
