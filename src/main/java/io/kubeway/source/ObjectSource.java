package io.kubeway.source;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where objects come from: manifest files (standalone) or, later, an API server. The translation and the
 * data plane never know which.
 */
public interface ObjectSource extends AutoCloseable {
    /**
     * Starts reading. {@code onChange} is called with a complete snapshot once every initial list has been
     * read, and again after each change; calls never overlap.
     */
    void start(Consumer<ClusterSnapshot> onChange);

    /**
     * Why this source cannot deliver changes right now (its watcher stopped, its API server is unreachable),
     * each reason naming what and since when; empty while it is healthy. Read by /readyz.
     */
    default List<String> stalled() {
        return List.of();
    }

    @Override
    void close();
}
