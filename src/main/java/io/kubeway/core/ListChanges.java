package io.kubeway.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What changed between two versions of an ordered list of immutable objects, by identity: the objects that left
 * and the objects that arrived (an updated object is both: its old instance left, its new one arrived).
 *
 * <p>Sources hand over objects in a stable order and keep an unchanged object's instance, so two consecutive
 * lists share a common prefix and suffix of identical instances around the part that changed. Skipping those is
 * a pointer comparison per element (microseconds at 10,000 objects); only the differing window is looked at,
 * so the work that follows (admission, translation, allocation) is in proportion to the change, not the list.
 * An object that merely moved counts as left and arrived (so do the objects it moved past), which costs a
 * recomputation, never a wrong result: stages that depend on the order (which of two Services claiming one port
 * came first) see every object whose position changed.
 */
public record ListChanges<T>(List<T> removed, List<T> added) {
    private static final ListChanges<?> NONE = new ListChanges<>(List.of(), List.of());

    @SuppressWarnings("unchecked")
    public static <T> ListChanges<T> none() {
        return (ListChanges<T>) NONE;
    }

    public static <T> ListChanges<T> between(List<T> before, List<T> now) {
        if (before == now) {
            return none();
        }
        int start = 0;
        int min = Math.min(before.size(), now.size());
        while (start < min && before.get(start) == now.get(start)) {
            start++;
        }
        int endBefore = before.size();
        int endNow = now.size();
        while (endBefore > start && endNow > start && before.get(endBefore - 1) == now.get(endNow - 1)) {
            endBefore--;
            endNow--;
        }
        if (endBefore == start && endNow == start) {
            return none();
        }
        List<T> removed = new ArrayList<>();
        List<T> added = new ArrayList<>();
        if (endBefore - start == endNow - start) {
            for (int i = start; i < endNow; i++) { // same length: position by position
                if (before.get(i) != now.get(i)) {
                    removed.add(before.get(i));
                    added.add(now.get(i));
                }
            }
        } else {
            removed.addAll(before.subList(start, endBefore));
            added.addAll(now.subList(start, endNow));
        }
        return new ListChanges<>(List.copyOf(removed), List.copyOf(added));
    }

    public boolean isEmpty() {
        return removed.isEmpty() && added.isEmpty();
    }
}
