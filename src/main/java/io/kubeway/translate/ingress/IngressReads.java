package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;

import java.util.AbstractMap;
import java.util.HashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import java.util.Map;
import java.util.Set;

/**
 * What an Ingress translation looked up by name: the Services (their object and their slices) and the Secrets. The
 * translation is a pure function of its input, and it reads a Service or a Secret only through these lookups, so a
 * change to one it did not look up (found or not) cannot change its result: {@link IncrementalIngressTranslator}
 * keeps the last result then.
 */
public final class IngressReads {
    private final Set<NamespacedName> services = new HashSet<>();
    private final Set<NamespacedName> secrets = new HashSet<>();
    private Map<NamespacedName, List<BackendResolver.SliceCluster>> fromSlices = Map.of();
    private @Nullable BackendResolver resolver;

    /** The resolver's clusters made from slices, and the resolver (for the endpoint choice). */
    void clusters(BackendResolver resolver) {
        this.resolver = resolver;
        this.fromSlices = resolver.fromSlices();
    }

    /** The clusters made from each Service's slices (changed in place when a slice change replaces one). */
    Map<NamespacedName, List<BackendResolver.SliceCluster>> fromSlices() {
        return fromSlices;
    }

    @Nullable BackendResolver resolver() {
        return resolver;
    }

    /** Services looked up, found or not (backends, the default backend, the publish service). */
    public Set<NamespacedName> services() {
        return services;
    }

    /** Secrets looked up, found or not (TLS, authentication, CA, backend TLS). */
    public Set<NamespacedName> secrets() {
        return secrets;
    }

    /** Adds what {@code other} read (a translation of some of the Ingresses) to this. */
    void merge(IngressReads other) {
        services.addAll(other.services);
        secrets.addAll(other.secrets);
        if (other.fromSlices.isEmpty()) return;
        if (!(fromSlices instanceof java.util.HashMap)) fromSlices = new java.util.HashMap<>(fromSlices);
        other.fromSlices.forEach((nn, list) -> fromSlices.computeIfAbsent(nn, k -> new java.util.ArrayList<>())
                .addAll(list));
        if (resolver == null) resolver = other.resolver;
    }

    /** {@code all} as a map that records every Secret looked up in it; iterating it is not supported. */
    Map<NamespacedName, Secret> recordingSecrets(Map<NamespacedName, Secret> all) {
        return new AbstractMap<>() {
            @Override
            public Secret get(Object key) {
                if (key instanceof NamespacedName nn) secrets.add(nn);
                return all.get(key);
            }

            @Override
            public boolean containsKey(Object key) {
                return get(key) != null;
            }

            @Override
            public Set<Entry<NamespacedName, Secret>> entrySet() {
                throw new UnsupportedOperationException("Secrets are looked up by name, so that reads are known");
            }
        };
    }
}
