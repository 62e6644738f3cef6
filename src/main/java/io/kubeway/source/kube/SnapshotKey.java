package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Where an object stands in a snapshot: kinds in {@link WatchedKind} order, then namespace, then name. */
record SnapshotKey(int rank, String namespace, String name) implements Comparable<SnapshotKey> {
    static SnapshotKey of(WatchedKind kind, HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace();
        return new SnapshotKey(kind.rank(), ns == null ? "" : ns, obj.getMetadata().getName());
    }

    /** The smallest key of a rank: {@code [first(r), first(r + 1))} holds every object of rank r. */
    static SnapshotKey first(int rank) {
        return new SnapshotKey(rank, "", "");
    }

    @Override
    public int compareTo(SnapshotKey o) {
        int c = Integer.compare(rank, o.rank);
        if (c == 0) c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }
}
