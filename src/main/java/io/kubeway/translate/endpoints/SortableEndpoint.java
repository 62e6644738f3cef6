package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A slice endpoint with its parsed first address, for deduplication and a deterministic order. */
record SortableEndpoint(InetAddress first, Endpoint endpoint) {
    private static final Comparator<SortableEndpoint> ORDER = Comparator
            .comparing(SortableEndpoint::first, IpLiterals::compare)
            .thenComparing(e -> String.join(",", e.endpoint.getAddresses()))
            .thenComparing(e -> refText(e.endpoint.getTargetRef()))
            .thenComparing(e -> Objects.toString(e.endpoint.getHostname(), ""));

    /**
     * The distinct endpoints in address order. Two endpoints are the same when they share addresses, hostname
     * and target (the {@code EndpointSet} hash); the later one wins, as with {@code EndpointSet.Insert}.
     */
    static List<Endpoint> dedupeAndSort(List<SortableEndpoint> endpoints) {
        Map<Identity, SortableEndpoint> distinct = new LinkedHashMap<>();
        for (SortableEndpoint e : endpoints) {
            distinct.remove(Identity.of(e.endpoint)); // re-insert so that "later wins" also holds for order ties
            distinct.put(Identity.of(e.endpoint), e);
        }
        List<SortableEndpoint> sorted = new ArrayList<>(distinct.values());
        sorted.sort(ORDER);
        List<Endpoint> out = new ArrayList<>(sorted.size());
        for (SortableEndpoint e : sorted) out.add(e.endpoint);
        return out;
    }

    private static String refText(ObjectReference ref) {
        return ref == null ? "" : Objects.toString(ref.getNamespace(), "") + "/" + Objects.toString(ref.getName(), "");
    }

    private record Identity(List<String> addresses, String hostname, String namespace, String name) {
        static Identity of(Endpoint ep) {
            List<String> addresses = new ArrayList<>(ep.getAddresses());
            addresses.sort(null);
            ObjectReference ref = ep.getTargetRef();
            return new Identity(addresses, Objects.toString(ep.getHostname(), ""),
                    ref == null ? "" : Objects.toString(ref.getNamespace(), ""),
                    ref == null ? "" : Objects.toString(ref.getName(), ""));
        }
    }
}
