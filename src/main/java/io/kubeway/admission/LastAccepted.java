package io.kubeway.admission;

import io.kubeway.core.NamespacedName;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.Map;

/**
 * The last accepted version of each object of one kind, as the API server keeps it: an update that fails
 * validation (or allocation, or a certificate that no longer parses) is refused, and the stored version keeps
 * serving. One mechanism for every kind (Services, Ingresses, Secrets, ...), used in passes: during a sync each
 * object that ends up in use is {@link #accept}ed, and {@link #endPass} forgets the objects that were not
 * (deleted from the source, or never valid).
 *
 * <p>Not thread-safe: one sync thread uses it.
 */
public final class LastAccepted<T> {
    private Map<NamespacedName, T> accepted = Map.of();
    private Map<NamespacedName, T> next = new HashMap<>();

    /** The version accepted in the previous pass, or null. */
    public @Nullable T last(NamespacedName nn) {
        return accepted.get(nn);
    }

    /**
     * Records the version in use for this pass. An equal object keeps the instance accepted before, so stages
     * that cache by identity stay warm; returns the instance to use.
     */
    public T accept(NamespacedName nn, T version) {
        T before = accepted.get(nn);
        T kept = before != null && before.equals(version) ? before : version;
        next.put(nn, kept);
        return kept;
    }

    /** Ends a pass: what was accepted in it becomes the last accepted; everything else is forgotten. */
    public void endPass() {
        accepted = next;
        next = new HashMap<>();
    }

    public int size() {
        return accepted.size();
    }
}
