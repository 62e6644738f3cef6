package io.kubeway.core;

import io.fabric8.kubernetes.api.model.HasMetadata;

import static java.util.Objects.requireNonNull;

/** The identity of a namespaced object, printed as {@code namespace/name}. */
public record NamespacedName(String namespace, String name) implements Comparable<NamespacedName> {
    public NamespacedName {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
    }

    /** The object's namespace and name; objects without a namespace are in {@code default}. */
    public static NamespacedName of(HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace();
        return new NamespacedName(ns == null || ns.isEmpty() ? "default" : ns, obj.getMetadata().getName());
    }

    @Override
    public int compareTo(NamespacedName o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
