package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Legacy v1 Endpoints to EndpointSlices, as Kubernetes' EndpointSlice mirroring controller
 * (pkg/controller/endpointslicemirroring) does for Services without a selector. Pure and deterministic.
 *
 * <p>Rules, as in Kubernetes:
 * <ul>
 *   <li>Not mirrored at all: Endpoints labelled {@code endpointslice.kubernetes.io/skip-mirror: "true"}, and
 *       Endpoints carrying the leader-election annotation. The caller must also skip Endpoints whose Service
 *       is missing or has a selector (the controller deletes mirrored slices then).</li>
 *   <li>Each subset's addresses ({@code ready: true}) then notReadyAddresses ({@code ready: false}); serving
 *       and terminating stay unset. Addresses that are not IPs are skipped; at most 1000 addresses per subset
 *       ({@code --mirroring-max-endpoints-per-subset} default) are mirrored, the rest are dropped.</li>
 *   <li>One slice per (address type, port set): subsets with the same ports are merged, and an address that
 *       appears twice (same IP, hostname and target) is kept once, the later occurrence winning, so a
 *       notReadyAddresses entry overrides the same address in addresses. Each slice holds at most 1000.</li>
 *   <li>Ports are copied (a missing name becomes {@code ""}, a missing protocol TCP). IPs are re-printed in
 *       canonical form; targetRef, nodeName and hostname are copied.</li>
 *   <li>Labels: the Endpoints' labels, then {@code kubernetes.io/service-name: <endpoints name>} and
 *       {@code endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io}. Annotations:
 *       the Endpoints' annotations except the trigger-time and last-applied-configuration ones. A controller
 *       ownerReference to the Endpoints object.</li>
 * </ul>
 * Kubeway difference: names are {@code <endpoints name>-<5 chars>} derived from a hash (as in
 * {@link EndpointSliceController}), and endpoints are sorted by address.
 */
public final class EndpointsMirroring {
    /** The mirroring controller's default {@code MirroringMaxEndpointsPerSubset}. */
    static final int MAX_ENDPOINTS_PER_SUBSET = 1000;

    private EndpointsMirroring() {
    }

    /** Legacy v1 Endpoints of a selector-less Service -> EndpointSlices, as the mirroring controller does. */
    public static List<EndpointSlice> mirror(Endpoints endpoints) {
        requireNonNull(endpoints, "endpoints");
        ObjectMeta meta = endpoints.getMetadata();
        if (!shouldMirror(meta)) return List.of();

        Map<String, Group> groups = new TreeMap<>();
        if (endpoints.getSubsets() != null) {
            for (EndpointSubset subset : endpoints.getSubsets()) {
                List<EndpointPort> ports = portsOf(subset);
                String portKey = EndpointPorts.key(ports);
                int added = 0;
                for (boolean ready : new boolean[] {true, false}) {
                    List<EndpointAddress> addresses = ready ? subset.getAddresses() : subset.getNotReadyAddresses();
                    if (addresses == null) continue;
                    for (EndpointAddress address : addresses) {
                        if (added >= MAX_ENDPOINTS_PER_SUBSET) break;
                        SortableEndpoint ep = toEndpoint(address, ready);
                        if (ep == null) continue; // invalid IP: the controller records an InvalidIPAddress event
                        String type = IpLiterals.isIPv6(ep.first()) ? "IPv6" : "IPv4";
                        groups.computeIfAbsent(type + "/" + portKey, k -> new Group(type, ports)).endpoints.add(ep);
                        added++;
                    }
                }
            }
        }

        SliceNames names = new SliceNames(meta.getName());
        List<EndpointSlice> out = new ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            List<Endpoint> sorted = SortableEndpoint.dedupeAndSort(e.getValue().endpoints);
            if (sorted.isEmpty()) continue;
            List<Endpoint> kept = sorted.subList(0, Math.min(sorted.size(), MAX_ENDPOINTS_PER_SUBSET));
            out.add(newSlice(endpoints, names.next(e.getKey()), e.getValue(), kept));
        }
        return List.copyOf(out);
    }

    private static boolean shouldMirror(@Nullable ObjectMeta meta) {
        if (meta == null) return false;
        if (meta.getLabels() != null && "true".equals(meta.getLabels().get(EndpointSliceLabels.SKIP_MIRROR))) {
            return false;
        }
        return meta.getAnnotations() == null
                || !meta.getAnnotations().containsKey(EndpointSliceLabels.LEADER_ELECTION_ANNOTATION);
    }

    /** {@code epPortsToEpsPorts}, with the API server's defaults (name "", protocol TCP) applied. */
    private static List<EndpointPort> portsOf(EndpointSubset subset) {
        List<EndpointPort> ports = new ArrayList<>();
        if (subset.getPorts() == null) return ports;
        for (io.fabric8.kubernetes.api.model.EndpointPort p : subset.getPorts()) {
            EndpointPort out = new EndpointPort();
            out.setName(p.getName() == null ? "" : p.getName());
            out.setPort(p.getPort());
            out.setProtocol(p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol());
            out.setAppProtocol(p.getAppProtocol());
            ports.add(out);
        }
        return ports;
    }

    /** {@code addressToEndpoint}; null if the address is not an IP. */
    private static @Nullable SortableEndpoint toEndpoint(EndpointAddress address, boolean ready) {
        InetAddress ip = IpLiterals.parse(address.getIp());
        if (ip == null) return null;
        Endpoint ep = new Endpoint();
        ep.setAddresses(new ArrayList<>(List.of(IpLiterals.format(ip))));
        EndpointConditions conditions = new EndpointConditions();
        conditions.setReady(ready);
        ep.setConditions(conditions);
        ep.setTargetRef(address.getTargetRef());
        ep.setNodeName(address.getNodeName());
        if (address.getHostname() != null && !address.getHostname().isEmpty()) ep.setHostname(address.getHostname());
        return new SortableEndpoint(ip, ep);
    }

    private static EndpointSlice newSlice(Endpoints endpoints, String name, Group group, List<Endpoint> kept) {
        ObjectMeta src = endpoints.getMetadata();
        Map<String, String> labels = new TreeMap<>();
        if (src.getLabels() != null) labels.putAll(src.getLabels());
        labels.put(EndpointSliceLabels.SERVICE_NAME, src.getName());
        labels.put(EndpointSliceLabels.MANAGED_BY, EndpointSliceLabels.MIRRORING_CONTROLLER);
        Map<String, String> annotations = new TreeMap<>();
        if (src.getAnnotations() != null) {
            src.getAnnotations().forEach((k, v) -> {
                if (!k.equals(EndpointSliceLabels.LAST_CHANGE_TRIGGER_TIME)
                        && !k.equals(EndpointSliceLabels.LAST_APPLIED_CONFIG)) {
                    annotations.put(k, v);
                }
            });
        }
        String ns = src.getNamespace() == null || src.getNamespace().isEmpty() ? "default" : src.getNamespace();
        EndpointSlice slice = new EndpointSlice();
        slice.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                .withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Endpoints")
                        .withName(src.getName()).withUid(src.getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .build());
        slice.setAddressType(group.addressType);
        slice.setPorts(EndpointPorts.copy(group.ports));
        slice.setEndpoints(new ArrayList<>(kept));
        return slice;
    }

    private record Group(String addressType, List<EndpointPort> ports, List<SortableEndpoint> endpoints) {
        Group(String addressType, List<EndpointPort> ports) {
            this(addressType, ports, new ArrayList<>());
        }
    }
}
