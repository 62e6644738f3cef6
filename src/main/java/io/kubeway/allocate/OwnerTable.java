package io.kubeway.allocate;

import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which service holds each allocated value (an IP or a port number): the in-memory equivalent of the
 * API server's allocation bitmap, with owners so that a service's own holdings count as free for it.
 */
final class OwnerTable<K> {
    private final Map<K, NamespacedName> owners = new HashMap<>();
    private final Map<NamespacedName, Set<K>> byOwner = new HashMap<>();

    @Nullable NamespacedName owner(K key) {
        return owners.get(key);
    }

    /** True when the value is free or already held by {@code who}. */
    boolean availableTo(K key, NamespacedName who) {
        NamespacedName owner = owners.get(key);
        return owner == null || owner.equals(who);
    }

    int size() {
        return owners.size();
    }

    /** Holds {@code key} for {@code who} unless another service holds it; returns whether it did. */
    boolean reserve(K key, NamespacedName who) {
        NamespacedName owner = owners.putIfAbsent(key, who);
        if (owner != null && !owner.equals(who)) return false;
        byOwner.computeIfAbsent(who, k -> new HashSet<>()).add(key);
        return true;
    }

    /** Makes {@code keys} exactly what {@code who} holds; the caller has checked they are available. */
    void replace(NamespacedName who, Collection<K> keys) {
        release(who);
        for (K key : keys) {
            if (!reserve(key, who)) {
                throw new IllegalStateException(key + " is held by " + owners.get(key) + ", not " + who);
            }
        }
    }

    /** Frees everything {@code who} holds. */
    void release(NamespacedName who) {
        Set<K> held = byOwner.remove(who);
        if (held != null) {
            held.forEach(owners::remove);
        }
    }
}
