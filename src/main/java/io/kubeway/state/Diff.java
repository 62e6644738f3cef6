package io.kubeway.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The keyed difference between two maps: what to add, remove and change; unchanged keys are left alone. */
public record Diff<K, V>(Map<K, V> added, Map<K, V> removed, Map<K, V> changed) {
    public static <K, V> Diff<K, V> of(Map<K, V> previous, Map<K, V> next) {
        Map<K, V> added = new LinkedHashMap<>();
        Map<K, V> changed = new LinkedHashMap<>();
        Map<K, V> removed = new LinkedHashMap<>();
        next.forEach((k, v) -> {
            V old = previous.get(k);
            if (old == null) added.put(k, v);
            else if (!Objects.equals(old, v)) changed.put(k, v);
        });
        previous.forEach((k, v) -> {
            if (!next.containsKey(k)) removed.put(k, v);
        });
        return new Diff<>(Map.copyOf(added), Map.copyOf(removed), Map.copyOf(changed));
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
