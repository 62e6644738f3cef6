package io.kubeway.cli;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The columns {@code kubectl get} prints for one kind, following kubectl's printers
 * ({@code pkg/printers/internalversion/printers.go}): which headers, and how each cell is derived.
 *
 * @param <T> the fabric8 type of the objects
 */
interface TableColumns<T> {

    /** Upper-case headers; {@code wide} adds kubectl's {@code -o wide} columns. */
    List<String> headers(boolean wide);

    /** One cell per header for {@code object}, with ages computed at {@code now}. */
    List<String> row(T object, boolean wide, Instant now);

    /** kubectl's {@code labels.FormatLabels}: {@code k=v} sorted by key and comma-joined, or {@code <none>}. */
    static String formatLabels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "<none>";
        }
        return new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
