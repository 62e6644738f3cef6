package io.kubeway.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubeway.core.Problem;

import java.util.List;

/**
 * Every object a source currently holds, in a stable order (for files: path order, then document order),
 * plus the problems met while reading them. Immutable; a source publishes a whole new snapshot on each
 * change (level-triggered: the controller always recomputes from the full set).
 */
public record ClusterSnapshot(List<SourcedObject> objects, List<Problem> problems) {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(List.of(), List.of());

    public ClusterSnapshot {
        objects = List.copyOf(objects);
        problems = List.copyOf(problems);
    }

    /** The objects of one class, in snapshot order. */
    public <T extends HasMetadata> List<Sourced<T>> ofType(Class<T> type) {
        return objects.stream()
                .filter(o -> type.isInstance(o.object()))
                .map(o -> new Sourced<>(type.cast(o.object()), o.source()))
                .toList();
    }

    /** A typed {@link SourcedObject}. */
    public record Sourced<T extends HasMetadata>(T object, String source) {
    }
}
