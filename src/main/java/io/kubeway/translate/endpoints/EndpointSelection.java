package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.Protocol;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * kube-proxy's choice of endpoints for one service port: {@code EndpointSliceCache} (which slice endpoints
 * belong to the port) followed by {@code CategorizeEndpoints} (which of them get new connections).
 *
 * <p>Rules, as in kube-proxy:
 * <ul>
 *   <li>A slice port belongs to the service port when name and protocol match (a missing name is {@code ""},
 *       a missing protocol TCP, as the API server defaults them); ports without a number (or 0) are ignored.</li>
 *   <li>Only the first address of each endpoint is used. Conditions: unset ready and serving mean true, unset
 *       terminating means false.</li>
 *   <li>The same ip:port from several slices is one endpoint; a node-local copy is preferred.</li>
 *   <li>The ready endpoints; if there are none, the serving-and-terminating ones (graceful termination);
 *       otherwise nothing. With {@code localOnly} (externalTrafficPolicy or internalTrafficPolicy Local) the same
 *       choice is made among node-local endpoints only.</li>
 * </ul>
 *
 * <p>Kubeway differences:
 * <ul>
 *   <li>An endpoint without {@code nodeName} counts as local: in standalone mode everything runs on this
 *       machine (managed slices carry the default node name anyway). kube-proxy treats it as remote.</li>
 *   <li>Slices with addressType FQDN (or anything but IPv4/IPv6) are skipped, as are addresses that are not
 *       IP literals or not of the slice's family: the proxy connects to IPs and never resolves names.</li>
 *   <li>Both families are returned together (kube-proxy runs one proxier per family); topology hints are
 *       ignored (one node, one zone).</li>
 *   <li>Duplicates are resolved deterministically: local first, then ready, then serving-terminating, then the
 *       slice that sorts first by namespace/name. The result is sorted by address (IPv4 first) then port.</li>
 * </ul>
 */
public final class EndpointSelection {
    private static final Comparator<Candidate> RESULT_ORDER = Comparator
            .comparing(Candidate::ip, IpLiterals::compare).thenComparingInt(Candidate::port);

    private EndpointSelection() {
    }

    /**
     * The endpoints that may take new connections for one service port.
     *
     * @param slices    the slices of one Service (managed, mirrored or user-supplied)
     * @param portName  the service port's name, {@code ""} for an unnamed port
     * @param localOnly keep only endpoints on {@code thisNode} (or without a node)
     */
    public static List<io.kubeway.state.Endpoint> usable(List<EndpointSlice> slices, String portName,
                                                         Protocol protocol, boolean localOnly,
                                                         @Nullable String thisNode) {
        requireNonNull(slices, "slices");
        requireNonNull(portName, "portName");
        requireNonNull(protocol, "protocol");
        List<EndpointSlice> ordered = new ArrayList<>(slices);
        ordered.sort(Comparator.comparing(EndpointSelection::namespaceOf).thenComparing(EndpointSelection::nameOf));

        Map<String, Candidate> byIpPort = new LinkedHashMap<>();
        for (EndpointSlice slice : ordered) {
            boolean v6 = "IPv6".equals(slice.getAddressType());
            if (!v6 && !"IPv4".equals(slice.getAddressType())) continue;
            if (slice.getPorts() == null || slice.getEndpoints() == null) continue;
            for (EndpointPort p : slice.getPorts()) {
                if (!matches(p, portName, protocol)) continue;
                for (Endpoint ep : slice.getEndpoints()) {
                    Candidate c = candidate(slice, ep, p.getPort(), v6, thisNode);
                    if (c == null) continue;
                    byIpPort.merge(c.ip.getHostAddress() + "|" + c.port, c, EndpointSelection::better);
                }
            }
        }

        List<Candidate> pool = new ArrayList<>();
        for (Candidate c : byIpPort.values()) {
            if (!localOnly || c.local) pool.add(c);
        }
        List<Candidate> chosen = pool.stream().filter(Candidate::ready).toList();
        if (chosen.isEmpty()) chosen = pool.stream().filter(c -> c.serving && c.terminating).toList();
        return chosen.stream().sorted(RESULT_ORDER)
                .map(c -> new io.kubeway.state.Endpoint(c.ip, c.port, c.target)).toList();
    }

    private static boolean matches(EndpointPort p, String portName, Protocol protocol) {
        String name = p.getName() == null ? "" : p.getName();
        String proto = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
        Integer num = p.getPort();
        // kube-proxy ignores nil and 0 ports; numbers past 65535 cannot be dialled at all.
        return name.equals(portName) && proto.equals(protocol.name()) && num != null && num >= 1 && num <= 65535;
    }

    private static @Nullable Candidate candidate(EndpointSlice slice, Endpoint ep, int port, boolean v6,
                                                 @Nullable String thisNode) {
        if (ep.getAddresses() == null || ep.getAddresses().isEmpty()) return null;
        InetAddress ip = IpLiterals.parse(ep.getAddresses().get(0));
        if (ip == null || IpLiterals.isIPv6(ip) != v6) return null;
        EndpointConditions cond = ep.getConditions();
        boolean ready = cond == null || cond.getReady() == null || cond.getReady();
        boolean serving = cond == null || cond.getServing() == null || cond.getServing();
        boolean terminating = cond != null && Boolean.TRUE.equals(cond.getTerminating());
        String node = ep.getNodeName();
        boolean local = node == null || node.isEmpty() || node.equals(thisNode);
        return new Candidate(ip, port, targetOf(slice, ep, ip), ready, serving, terminating, local);
    }

    /** {@code ns/name} of the target (the slice's namespace if the reference has none), else the IP. */
    private static String targetOf(EndpointSlice slice, Endpoint ep, InetAddress ip) {
        ObjectReference ref = ep.getTargetRef();
        if (ref == null || ref.getName() == null || ref.getName().isEmpty()) return IpLiterals.format(ip);
        String ns = ref.getNamespace() != null && !ref.getNamespace().isEmpty() ? ref.getNamespace()
                : namespaceOf(slice);
        return ns + "/" + ref.getName();
    }

    private static String namespaceOf(EndpointSlice s) {
        String ns = s.getMetadata() == null ? null : s.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    private static String nameOf(EndpointSlice s) {
        return s.getMetadata() == null ? "" : Objects.toString(s.getMetadata().getName(), "");
    }

    /** Of two entries for the same ip:port, the one kept; ties keep the earlier slice's entry. */
    private static Candidate better(Candidate earlier, Candidate later) {
        if (earlier.local != later.local) return earlier.local ? earlier : later;
        return later.rank() > earlier.rank() ? later : earlier;
    }

    private record Candidate(InetAddress ip, int port, String target, boolean ready, boolean serving,
                             boolean terminating, boolean local) {
        int rank() {
            if (ready) return 2;
            return serving && terminating ? 1 : 0;
        }
    }
}
