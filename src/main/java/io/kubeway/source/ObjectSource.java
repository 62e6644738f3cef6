package io.kubeway.source;

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

    @Override
    void close();
}
