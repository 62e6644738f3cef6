package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which node announces each LoadBalancer IP in layer 2 mode, computed the same way on every node from the same
 * objects, so no coordination is needed (MetalLB's speaker does the same with memberlist; here membership is the
 * node leases, {@link NodeLease}). The candidates for an IP are the nodes whose Kubeway is alive (lease renewed
 * within its duration) and, for {@code externalTrafficPolicy: Local}, that have a ready endpoint of the Service;
 * among them, the nodes an L2Advertisement selecting the IP's pool allows ({@link L2Advertisements}); of those
 * the node with the smallest SHA-256 of {@code node + "#" + ip} announces (MetalLB's ordering), so IPs spread
 * over nodes and only the IPs of a node that goes away move.
 */
public final class L2Election {
    private L2Election() {
    }

    /** Who announces one IP, and on which interfaces (empty: the interface of the IP's subnet). */
    public record Announcement(String node, List<String> interfaces) {
    }

    /**
     * The IP → announcement for every LoadBalancer IP in {@code services}' status that an L2Advertisement selects
     * and that has a candidate node. IPs no advertisement selects are reported in {@code problems} (not announced).
     *
     * @param nodeLabels every node's labels, for the advertisements' node selectors
     */
    public static Map<String, Announcement> announcers(List<Service> services, List<EndpointSlice> slices,
                                                       List<Lease> leases, Map<String, Map<String, String>> nodeLabels,
                                                       L2Advertisements l2, Instant now, List<Problem> problems) {
        Set<String> alive = alive(leases, now);
        Map<String, Announcement> out = new TreeMap<>();
        for (Service svc : services) {
            if (svc.getStatus() == null || svc.getStatus().getLoadBalancer() == null
                    || svc.getStatus().getLoadBalancer().getIngress() == null) {
                continue;
            }
            Set<String> candidates = "Local".equals(svc.getSpec().getExternalTrafficPolicy())
                    ? readyNodes(svc, slices, alive) : alive;
            for (LoadBalancerIngress ing : svc.getStatus().getLoadBalancer().getIngress()) {
                String ip = ing.getIp();
                if (ip == null || out.containsKey(ip)) continue;
                L2Advertisements.Scope scope = l2.forIp(ip);
                if (scope == null) {
                    problems.add(Problem.warning(ObjectRef.of(svc), null, "NotAnnounced", "LoadBalancer IP " + ip
                            + " is not announced: no L2Advertisement selects its pool"
                            + (l2.poolOf(ip) == null ? " (it is in no IPAddressPool)" : " \"" + l2.poolOf(ip) + "\"")));
                    continue;
                }
                candidates.stream()
                        .filter(n -> scope.allows(nodeLabels.getOrDefault(n, Map.of())))
                        .min(Comparator.comparing((String n) -> hash(n + "#" + ip)))
                        .ifPresent(n -> out.put(ip, new Announcement(n,
                                scope.interfaces(nodeLabels.getOrDefault(n, Map.of())))));
            }
        }
        return out;
    }

    /** Nodes whose lease was renewed within its duration. */
    static Set<String> alive(List<Lease> leases, Instant now) {
        Set<String> out = new HashSet<>();
        for (Lease l : leases) {
            if (l.getMetadata().getLabels() == null || !l.getMetadata().getLabels().containsKey(NodeLease.LABEL)
                    || l.getSpec() == null || l.getSpec().getRenewTime() == null) {
                continue;
            }
            ZonedDateTime renewed = l.getSpec().getRenewTime();
            int seconds = l.getSpec().getLeaseDurationSeconds() == null ? 10 : l.getSpec().getLeaseDurationSeconds();
            if (renewed.toInstant().plus(Duration.ofSeconds(seconds)).isAfter(now)) {
                out.add(l.getMetadata().getLabels().get(NodeLease.LABEL));
            }
        }
        return out;
    }

    private static Set<String> readyNodes(Service svc, List<EndpointSlice> slices, Set<String> alive) {
        Set<String> out = new HashSet<>();
        String name = svc.getMetadata().getName();
        for (EndpointSlice s : slices) {
            if (!svc.getMetadata().getNamespace().equals(s.getMetadata().getNamespace())
                    || s.getMetadata().getLabels() == null
                    || !name.equals(s.getMetadata().getLabels().get("kubernetes.io/service-name"))
                    || s.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : s.getEndpoints()) {
                boolean ready = e.getConditions() == null || e.getConditions().getReady() == null
                        || e.getConditions().getReady();
                if (ready && e.getNodeName() != null && alive.contains(e.getNodeName())) {
                    out.add(e.getNodeName());
                }
            }
        }
        return out;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (byte x : d) b.append(String.format("%02x", x));
            return b.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
