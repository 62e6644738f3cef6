package io.kubeway.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubeway.core.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every object a source currently holds, in a stable order (for files: path order, then document order),
 * plus the problems met while reading them. Immutable; a source publishes a whole new snapshot on each
 * change (level-triggered: the controller always recomputes from the full set). {@link #ofType} is
 * computed once per type, as a sync asks for the same types over tens of thousands of objects.
 */
public final class ClusterSnapshot {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(List.of(), List.of());

    private final List<SourcedObject> objects;
    private final List<Problem> problems;
    private final Map<Class<?>, List<?>> byType = new ConcurrentHashMap<>();
    private final Map<Class<?>, List<?>> objectsByType = new ConcurrentHashMap<>();
    private Map<Class<?>, List<Sourced<?>>> byClass;

    public ClusterSnapshot(List<SourcedObject> objects, List<Problem> problems) {
        this.objects = List.copyOf(objects);
        this.problems = List.copyOf(problems);
    }

    public List<SourcedObject> objects() {
        return objects;
    }

    public List<Problem> problems() {
        return problems;
    }

    /**
     * The objects of one class, in snapshot order. The snapshot is grouped by exact class in one pass the first time
     * any type is asked for (a sync asks for about ten types over tens of thousands of objects: one pass each cost
     * more than the rest of an incremental sync); a type that several classes match is filtered in full.
     */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> List<Sourced<T>> ofType(Class<T> type) {
        return (List<Sourced<T>>) byType.computeIfAbsent(type, t -> {
            Map<Class<?>, List<Sourced<?>>> groups = byClass();
            Class<?> match = null;
            for (Class<?> c : groups.keySet()) {
                if (type.isAssignableFrom(c)) {
                    if (match != null) return filter(type);
                    match = c;
                }
            }
            return match == null ? List.of() : List.copyOf(groups.get(match));
        });
    }

    private synchronized Map<Class<?>, List<Sourced<?>>> byClass() {
        if (byClass == null) {
            Map<Class<?>, List<Sourced<?>>> groups = new java.util.HashMap<>();
            for (SourcedObject o : objects) {
                groups.computeIfAbsent(o.object().getClass(), c -> new ArrayList<>())
                        .add(new Sourced<>(o.object(), o.source()));
            }
            byClass = groups;
        }
        return byClass;
    }

    private <T extends HasMetadata> List<Sourced<T>> filter(Class<T> type) {
        List<Sourced<T>> out = new ArrayList<>();
        for (SourcedObject o : objects) {
            if (type.isInstance(o.object())) {
                out.add(new Sourced<>(type.cast(o.object()), o.source()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The objects of one class, in snapshot order, computed once per snapshot: an unchanged object is the same
     * instance in consecutive snapshots, so stages compare these lists with {@code ListChanges}.
     */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> List<T> objectsOf(Class<T> type) {
        // List.copyOf: a list that later List.copyOf calls hand back as it is, rather than copy again
        return (List<T>) objectsByType.computeIfAbsent(type, t -> List.copyOf(ofType(type).stream().map(Sourced::object).toList()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterSnapshot s && objects.equals(s.objects) && problems.equals(s.problems);
    }

    @Override
    public int hashCode() {
        return Objects.hash(objects, problems);
    }

    @Override
    public String toString() {
        return "ClusterSnapshot[" + objects.size() + " objects, " + problems.size() + " problems]";
    }

    /** A typed {@link SourcedObject}. */
    public record Sourced<T extends HasMetadata>(T object, String source) {
    }
}
