package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The EndpointSlices Kubernetes' EndpointSlice controller would keep for a Service, computed from scratch
 * (k8s.io/endpointslice {@code Reconciler} with no existing slices). Pure: same input, same slices, same names.
 *
 * <p>Rules, as in Kubernetes:
 * <ul>
 *   <li>ExternalName Services and Services without a selector get no slices.</li>
 *   <li>One slice family per address type of the Service ({@code spec.ipFamilies}; without it, the family of
 *       {@code spec.clusterIP}; without that, IPv4, as the API server defaults on a single-stack cluster).</li>
 *   <li>Pods: only the Service's namespace; Succeeded/Failed pods and pods without an IP are left out; a pod
 *       contributes the IPs of the slice's family and is left out of that family if it has none.</li>
 *   <li>Conditions: serving = pod ready; terminating = deletionTimestamp set; ready = publishNotReadyAddresses
 *       or (serving and not terminating). With publishNotReadyAddresses even terminating pods are ready.
 *       Pod readiness follows Kubernetes, except that a pod with no status conditions at all is ready
 *       (see {@link PodFacts#isReady}).</li>
 *   <li>Ports: one per Service port, name as written ({@code ""} for an unnamed port, never null), port =
 *       the resolved target port ({@code FindPort}). A port the pod cannot resolve (named targetPort the pod
 *       lacks) is dropped <em>for that pod only</em>: the pod still gets an endpoint, in the slice whose port
 *       list matches what it does resolve (possibly none). Pods resolving differently land in different slices.</li>
 *   <li>At most 100 endpoints per slice ({@code --max-endpoints-per-slice} default). If no slice would
 *       exist for an address type, one placeholder slice with no ports and no endpoints is written.</li>
 *   <li>Metadata: namespace of the Service; labels = the Service's labels minus the reserved ones, plus
 *       {@code kubernetes.io/service-name}, {@code endpointslice.kubernetes.io/managed-by:
 *       endpointslice-controller.kubeway.io}, and {@code service.kubernetes.io/headless} when the Service has no
 *       cluster IP; a controller ownerReference to the Service.</li>
 * </ul>
 *
 * <p>Kubeway differences, all forced by having no API server or Node objects: names are
 * {@code <service>-<5 chars>} with the characters derived from a hash of the slice's address type, port
 * mapping and chunk (not random, so recomputation is stable); endpoints are sorted by address then pod and
 * chunked in that order (Kubernetes fills slices in map order); ports keep the Service's order; a pod without
 * {@code spec.nodeName} gets {@code nodeNameDefault}; no zone, topology hints or trigger-time annotation are
 * written; a pod whose Node does not exist is not skipped.
 */
public final class EndpointSliceController {
    /** The controller's default {@code --max-endpoints-per-slice}. */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;

    private EndpointSliceController() {
    }

    /**
     * The EndpointSlices Kubernetes would create for this Service (defaulted, allocated) from its selected pods.
     *
     * @param selectedPods    the pods matching the Service's selector (see {@link PodIndex}); pods of other
     *                        namespaces are ignored
     * @param nodeNameDefault nodeName for pods without {@code spec.nodeName} (null or empty: leave it unset)
     */
    public static List<EndpointSlice> slicesFor(Service svc, List<Pod> selectedPods, @Nullable String nodeNameDefault) {
        requireNonNull(svc, "svc");
        requireNonNull(selectedPods, "selectedPods");
        ServiceSpec spec = svc.getSpec();
        if (spec == null || "ExternalName".equals(spec.getType())) return List.of();
        if (spec.getSelector() == null || spec.getSelector().isEmpty()) return List.of();

        String namespace = namespaceOf(svc);
        SliceNames names = new SliceNames(svc.getMetadata().getName());
        List<EndpointSlice> out = new ArrayList<>();
        for (String addressType : addressTypes(spec)) {
            // Port mapping key -> (ports, endpoints). A TreeMap so that slices come out in a stable order.
            Map<String, PortGroup> groups = new TreeMap<>();
            for (Pod pod : selectedPods) {
                if (!namespace.equals(PodIndex.namespaceOf(pod)) || !PodFacts.shouldBeInEndpoints(pod)) continue;
                List<EndpointPort> ports = endpointPorts(spec, pod);
                PortGroup group = groups.computeIfAbsent(EndpointPorts.key(ports), k -> new PortGroup(ports));
                SortableEndpoint ep = podToEndpoint(pod, svc, addressType, nodeNameDefault);
                if (ep != null) group.endpoints.add(ep);
            }
            int created = 0;
            for (Map.Entry<String, PortGroup> g : groups.entrySet()) {
                List<Endpoint> sorted = SortableEndpoint.dedupeAndSort(g.getValue().endpoints);
                for (int from = 0, chunk = 0; from < sorted.size(); from += MAX_ENDPOINTS_PER_SLICE, chunk++) {
                    List<Endpoint> part = sorted.subList(from, Math.min(sorted.size(), from + MAX_ENDPOINTS_PER_SLICE));
                    String name = names.next(addressType + "/" + g.getKey() + "/" + chunk);
                    out.add(newSlice(svc, name, addressType, g.getValue().ports, part));
                    created++;
                }
            }
            if (created == 0) {
                // The controller keeps one empty slice so that consumers can tell "no endpoints" from "not synced".
                out.add(newSlice(svc, names.next(addressType + "/placeholder"), addressType, List.of(), List.of()));
            }
        }
        return List.copyOf(out);
    }

    /** {@code getAddressTypesForService}, with IPv4 where Kubernetes would guess both families for headless. */
    static List<String> addressTypes(ServiceSpec spec) {
        List<String> types = new ArrayList<>(2);
        if (spec.getIpFamilies() != null) {
            for (String f : spec.getIpFamilies()) {
                if (("IPv4".equals(f) || "IPv6".equals(f)) && !types.contains(f)) types.add(f);
            }
        }
        if (!types.isEmpty()) return types;
        if (isServiceIpSet(spec)) {
            InetAddress ip = IpLiterals.parse(spec.getClusterIP());
            return List.of(ip != null && IpLiterals.isIPv6(ip) ? "IPv6" : "IPv4");
        }
        return List.of("IPv4");
    }

    private static boolean isServiceIpSet(ServiceSpec spec) {
        String ip = spec.getClusterIP();
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }

    /** {@code getEndpointPorts}: the Service's ports as this pod resolves them; unresolvable ones are dropped. */
    private static List<EndpointPort> endpointPorts(ServiceSpec spec, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        if (spec.getPorts() == null) return ports;
        for (ServicePort sp : spec.getPorts()) {
            OptionalInt num = PodFacts.findPort(pod, sp);
            if (num.isEmpty()) continue;
            ports.add(EndpointPorts.of(sp.getName() == null ? "" : sp.getName(), num.getAsInt(),
                    PodFacts.protocolOf(sp), sp.getAppProtocol()));
        }
        return ports;
    }

    /** {@code podToEndpoint}; null when the pod has no IP of this address type. */
    private static @Nullable SortableEndpoint podToEndpoint(Pod pod, Service svc, String addressType,
                                                            @Nullable String nodeNameDefault) {
        List<String> addresses = new ArrayList<>(1);
        InetAddress first = null;
        for (InetAddress ip : PodFacts.ips(pod)) {
            if (IpLiterals.isIPv6(ip) == "IPv6".equals(addressType)) {
                addresses.add(IpLiterals.format(ip));
                if (first == null) first = ip;
            }
        }
        if (first == null) return null;

        boolean serving = PodFacts.isReady(pod);
        boolean terminating = PodFacts.isTerminating(pod);
        // For compatibility, ready is never true for a terminating pod unless publishNotReadyAddresses is set.
        boolean ready = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses()) || serving && !terminating;
        EndpointConditions conditions = new EndpointConditions();
        conditions.setReady(ready);
        conditions.setServing(serving);
        conditions.setTerminating(terminating);

        Endpoint ep = new Endpoint();
        ep.setAddresses(addresses);
        ep.setConditions(conditions);
        ObjectReference ref = new ObjectReferenceBuilder().withKind("Pod").withNamespace(PodIndex.namespaceOf(pod))
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).build();
        ep.setTargetRef(ref);
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) nodeName = nodeNameDefault;
        if (nodeName != null && !nodeName.isEmpty()) ep.setNodeName(nodeName);
        if (shouldSetHostname(pod, svc)) ep.setHostname(pod.getSpec().getHostname());
        return new SortableEndpoint(first, ep);
    }

    /** {@code ShouldSetHostname}: the pod names itself as a member of this (headless) Service's subdomain. */
    private static boolean shouldSetHostname(Pod pod, Service svc) {
        if (pod.getSpec() == null) return false;
        String hostname = pod.getSpec().getHostname();
        return hostname != null && !hostname.isEmpty()
                && svc.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && namespaceOf(svc).equals(PodIndex.namespaceOf(pod));
    }

    private static EndpointSlice newSlice(Service svc, String name, String addressType, List<EndpointPort> ports,
                                          List<Endpoint> endpoints) {
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withName(svc.getMetadata().getName()).withUid(svc.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
        EndpointSlice slice = new EndpointSlice();
        slice.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(name).withNamespace(namespaceOf(svc)).withLabels(labelsFor(svc))
                .withOwnerReferences(owner).build());
        slice.setAddressType(addressType);
        slice.setPorts(EndpointPorts.copy(ports));
        slice.setEndpoints(new ArrayList<>(endpoints));
        return slice;
    }

    /** {@code setEndpointSliceLabels}: the Service's own labels, then the reserved ones. */
    private static Map<String, String> labelsFor(Service svc) {
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> own = svc.getMetadata().getLabels();
        if (own != null) {
            own.forEach((k, v) -> {
                if (!isReservedLabel(k)) labels.put(k, v);
            });
        }
        if (!isServiceIpSet(svc.getSpec())) labels.put(EndpointSliceLabels.HEADLESS, "");
        labels.put(EndpointSliceLabels.SERVICE_NAME, svc.getMetadata().getName());
        labels.put(EndpointSliceLabels.MANAGED_BY, EndpointSliceLabels.KUBEWAY_CONTROLLER);
        return new LinkedHashMap<>(labels);
    }

    private static boolean isReservedLabel(String key) {
        return key.equals(EndpointSliceLabels.SERVICE_NAME) || key.equals(EndpointSliceLabels.MANAGED_BY)
                || key.equals(EndpointSliceLabels.HEADLESS);
    }

    private static String namespaceOf(Service svc) {
        String ns = svc.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /** The endpoints of one port mapping. */
    private record PortGroup(List<EndpointPort> ports, List<SortableEndpoint> endpoints) {
        PortGroup(List<EndpointPort> ports) {
            this(ports, new ArrayList<>());
        }
    }
}
