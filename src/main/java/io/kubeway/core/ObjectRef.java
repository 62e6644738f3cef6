package io.kubeway.core;

import io.fabric8.kubernetes.api.model.HasMetadata;

import static java.util.Objects.requireNonNull;

/** A reference to one object: kind, namespace (empty for cluster-scoped objects) and name. */
public record ObjectRef(String kind, String namespace, String name) implements Comparable<ObjectRef> {
    public ObjectRef {
        requireNonNull(kind, "kind");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
    }

    public static ObjectRef of(HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        return new ObjectRef(obj.getKind(), ns == null ? "default" : ns, name == null ? "" : name);
    }

    public static ObjectRef of(String kind, NamespacedName nn) {
        return new ObjectRef(kind, nn.namespace(), nn.name());
    }

    public NamespacedName namespacedName() {
        return new NamespacedName(namespace, name);
    }

    @Override
    public int compareTo(ObjectRef o) {
        int c = kind.compareTo(o.kind);
        if (c == 0) c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    /** {@code Service default/web}, or {@code Node n1} for cluster-scoped objects. */
    @Override
    public String toString() {
        return namespace.isEmpty() ? kind + " " + name : kind + " " + namespace + "/" + name;
    }
}
