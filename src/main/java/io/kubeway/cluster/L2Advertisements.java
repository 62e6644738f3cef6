package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.kubeway.allocate.IpAddress;
import io.kubeway.allocate.IpPool;
import io.kubeway.allocate.IpRange;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * MetalLB's {@code metallb.io/v1beta1} L2Advertisements, read as MetalLB's speaker reads them: an IP is announced
 * in layer 2 only when an L2Advertisement selects its pool ({@code spec.ipAddressPools} by name; none named means
 * every pool), only from nodes its {@code spec.nodeSelectors} match (none means every node; a node matching any
 * selector qualifies) and only on its {@code spec.interfaces} (none means the interface of the IP's subnet).
 * {@code ipAddressPoolSelectors} is not supported: an advertisement using it is reported and selects nothing
 * (fail closed: an IP is never announced further than asked).
 */
public record L2Advertisements(List<IpPool> pools, List<Ad> ads) {
    /** One advertisement: pool names (empty: all), node selectors (empty: all), interfaces (empty: any). */
    public record Ad(String name, Set<String> pools, List<NodeSelector> nodeSelectors, List<String> interfaces) {
        boolean selectsPool(String pool) {
            return pools.isEmpty() || pools.contains(pool);
        }

        boolean selectsNode(Map<String, String> labels) {
            if (nodeSelectors.isEmpty()) return true;
            for (NodeSelector s : nodeSelectors) {
                if (s.matches(labels)) return true;
            }
            return false;
        }
    }

    /** Where and how an IP may be announced; {@code null} from {@link #forIp} when nothing selects it. */
    public record Scope(List<Ad> ads) {
        boolean allows(Map<String, String> nodeLabels) {
            for (Ad ad : ads) {
                if (ad.selectsNode(nodeLabels)) return true;
            }
            return false;
        }

        /** The interfaces the advertisements that select this node allow; empty means any. */
        List<String> interfaces(Map<String, String> nodeLabels) {
            Set<String> out = new TreeSet<>();
            for (Ad ad : ads) {
                if (!ad.selectsNode(nodeLabels)) continue;
                if (ad.interfaces().isEmpty()) return List.of();
                out.addAll(ad.interfaces());
            }
            return List.copyOf(out);
        }
    }

    /** Reads the pools and advertisements of a snapshot; problems name what could not be honoured. */
    public static L2Advertisements read(List<GenericKubernetesResource> resources, List<Problem> problems) {
        List<IpPool> pools = new ArrayList<>();
        List<Ad> ads = new ArrayList<>();
        for (GenericKubernetesResource r : resources) {
            if (!"metallb.io/v1beta1".equals(r.getApiVersion())) continue;
            if ("IPAddressPool".equals(r.getKind())) {
                var parsed = IpPool.fromResource(r, null);
                if (parsed.pool() != null) pools.add(parsed.pool());
            } else if ("L2Advertisement".equals(r.getKind())) {
                Ad ad = ad(r, problems);
                if (ad != null) ads.add(ad);
            }
        }
        return new L2Advertisements(List.copyOf(pools), List.copyOf(ads));
    }

    private static Ad ad(GenericKubernetesResource r, List<Problem> problems) {
        Object spec = r.getAdditionalProperties().get("spec");
        Map<?, ?> m = spec instanceof Map<?, ?> map ? map : Map.of();
        ObjectRef ref = ObjectRef.of(r);
        if (m.get("ipAddressPoolSelectors") != null) {
            problems.add(Problem.warning(ref, null, "Unsupported", "L2Advertisement " + ref.namespacedName()
                    + ": spec.ipAddressPoolSelectors is not supported; name the pools in spec.ipAddressPools. "
                    + "This advertisement announces nothing until then"));
            return null;
        }
        List<NodeSelector> selectors = new ArrayList<>();
        if (m.get("nodeSelectors") instanceof List<?> list) {
            for (Object o : list) {
                NodeSelector s = NodeSelector.parse(o);
                if (s == null) {
                    problems.add(Problem.warning(ref, null, "Invalid", "L2Advertisement " + ref.namespacedName()
                            + ": spec.nodeSelectors: a selector Kubeway cannot read; this advertisement announces nothing"));
                    return null;
                }
                selectors.add(s);
            }
        }
        return new Ad(r.getMetadata().getName(), strings(m.get("ipAddressPools")), List.copyOf(selectors),
                List.copyOf(strings(m.get("interfaces"))));
    }

    private static Set<String> strings(Object o) {
        Set<String> out = new TreeSet<>();
        if (o instanceof List<?> list) {
            for (Object x : list) if (x instanceof String s && !s.isBlank()) out.add(s.strip());
        }
        return out;
    }

    /** The pool an IP belongs to, or null. */
    String poolOf(String ip) {
        IpAddress a = IpAddress.tryParse(ip);
        if (a == null) return null;
        for (IpPool p : pools) {
            for (IpRange r : p.ranges()) {
                if (r.contains(a)) return p.name();
            }
        }
        return null;
    }

    /** The advertisements that select {@code ip}'s pool, or null when none does (the IP is not announced). */
    public Scope forIp(String ip) {
        String pool = poolOf(ip);
        if (pool == null) return null;
        List<Ad> selecting = ads.stream().filter(ad -> ad.selectsPool(pool)).toList();
        return selecting.isEmpty() ? null : new Scope(selecting);
    }

    static Map<String, String> labels(Node n) {
        return n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
    }
}
