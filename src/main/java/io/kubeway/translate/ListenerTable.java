package io.kubeway.translate;

import io.kubeway.core.NamespacedName;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every listen key with the listeners that claim it, and the one that gets it: the first claim of the Service that
 * comes first in the input order (as {@link Translator#combine} lays them out). Maintained per Service, so a change
 * to one Service touches only its own keys; the input order is consulted only for a key two Services claim (a
 * conflict, which is rare and reported).
 *
 * <p>Not thread-safe: one sync thread uses it.
 */
final class ListenerTable {
    /** Per key, its claims in the order they were added; a Service's own claims stay in its listener order. */
    private final Map<ListenKey, List<L4Listener>> claims = new HashMap<>();
    private final Map<ListenKey, L4Listener> winners = new HashMap<>();
    /** Keys claimed by more than one Service. */
    private final Set<ListenKey> conflicted = new HashSet<>();

    void remove(ServiceTranslation out, Set<ListenKey> touched) {
        for (L4Listener l : out.listeners()) {
            List<L4Listener> c = claims.get(l.key());
            if (c != null && c.removeIf(x -> x == l)) {
                touched.add(l.key());
                if (c.isEmpty()) claims.remove(l.key());
            }
        }
    }

    void add(ServiceTranslation out, Set<ListenKey> touched) {
        for (L4Listener l : out.listeners()) {
            claims.computeIfAbsent(l.key(), k -> new ArrayList<>(1)).add(l);
            touched.add(l.key());
        }
    }

    /**
     * Chooses the winner of every touched key. {@code rank} gives each Service's position in the input; it is asked
     * for only when a touched key has claims from two Services. Returns whether a touched key is or was in conflict
     * (the conflict problems must then be laid out again).
     */
    boolean resolve(Set<ListenKey> touched, Supplier<Map<NamespacedName, Integer>> rank) {
        boolean conflicts = false;
        Map<NamespacedName, Integer> ranks = null;
        for (ListenKey k : touched) {
            List<L4Listener> c = claims.get(k);
            conflicts |= conflicted.contains(k);
            if (c == null) {
                winners.remove(k);
                conflicted.remove(k);
                continue;
            }
            L4Listener best = c.get(0);
            boolean shared = false;
            for (L4Listener l : c) {
                NamespacedName svc = l.service().service();
                if (svc.equals(best.service().service())) continue;
                shared = true;
                if (ranks == null) ranks = rank.get();
                if (ranks.getOrDefault(svc, Integer.MAX_VALUE) < ranks.getOrDefault(best.service().service(), Integer.MAX_VALUE)) {
                    best = l;
                }
            }
            if (shared) {
                conflicted.add(k);
                conflicts = true;
                best = firstOf(c, best.service().service()); // that Service's first claim, in listener order
            } else {
                conflicted.remove(k);
            }
            winners.put(k, best);
        }
        return conflicts;
    }

    private static L4Listener firstOf(List<L4Listener> claims, NamespacedName svc) {
        for (L4Listener l : claims) {
            if (l.service().service().equals(svc)) return l;
        }
        throw new IllegalStateException("no claim of " + svc);
    }

    /** The listener that gets each key. */
    Map<ListenKey, L4Listener> winners() {
        return winners;
    }

    L4Listener winner(ListenKey key) {
        return winners.get(key);
    }
}
