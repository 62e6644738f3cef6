package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.kubeway.core.IpLiterals;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.state.ListenKey;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The addresses written to handled Ingresses' {@code status.loadBalancer.ingress}, in this order of preference:
 * the {@code --publish-service}'s load-balancer addresses (IP or host name); the {@code --publish-status-address}
 * values (an IP literal as {@code ip}, anything else as {@code hostname}); the HTTP listeners' addresses, where a
 * wildcard listener ({@code 0.0.0.0}, {@code ::}) stands for this node's addresses from its Node object (ExternalIP,
 * else InternalIP, as ingress-nginx does with its pod's node); with no Node object it names no address and is
 * reported instead.
 */
final class IngressStatuses {
    private IngressStatuses() {
    }

    static List<IngressLoadBalancerIngress> addresses(IngressOptions o, List<Service> services, List<Node> nodes,
                                                      List<Problem> problems) {
        if (o.publishService() != null) {
            List<IngressLoadBalancerIngress> fromService = fromService(o.publishService(), services);
            if (!fromService.isEmpty()) return fromService;
            problems.add(Problem.warning(ObjectRef.of("Service", o.publishService()), null, "PublishServiceUnavailable",
                    "publish service " + o.publishService() + " has no load-balancer address (yet); Ingress status "
                            + "uses " + (o.publishStatusAddresses().isEmpty() ? "the listener addresses"
                            : "--publish-status-address")));
        }
        List<IngressLoadBalancerIngress> out = new ArrayList<>();
        if (!o.publishStatusAddresses().isEmpty()) {
            for (String a : new LinkedHashSet<>(o.publishStatusAddresses())) {
                out.add(IpLiterals.parse(a) != null ? ip(IpLiterals.format(IpLiterals.parse(a)))
                        : new IngressLoadBalancerIngressBuilder().withHostname(a).build());
            }
            return out;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (ListenKey k : o.http()) {
            InetAddress a = k.address();
            if (a.isAnyLocalAddress()) {
                List<String> node = nodeAddresses(o.nodeName(), nodes);
                if (!node.isEmpty()) {
                    for (String ip : node) {
                        if (seen.add(ip)) out.add(ip(ip));
                    }
                    continue;
                }
                problems.add(Problem.normal(new ObjectRef("IngressClass", "", o.ingressClass()), "NoStatusAddress",
                        "HTTP listener " + k + " listens on every address, which names none, and node " + o.nodeName()
                                + " has no address in its Node object; it is not published in Ingress status (set "
                                + "--publish-service or --publish-status-address)"));
                continue;
            }
            if (seen.add(IpLiterals.format(a))) out.add(ip(IpLiterals.format(a)));
        }
        return out;
    }

    /**
     * The addresses of this node as its Node object gives them: the ExternalIPs, else the InternalIPs, as
     * ingress-nginx reports the node its pod runs on when it has no publish service.
     */
    private static List<String> nodeAddresses(String nodeName, List<Node> nodes) {
        for (Node n : nodes) {
            if (!nodeName.equals(n.getMetadata().getName()) || n.getStatus() == null
                    || n.getStatus().getAddresses() == null) {
                continue;
            }
            for (String type : List.of("ExternalIP", "InternalIP")) {
                List<String> found = n.getStatus().getAddresses().stream()
                        .filter(a -> type.equals(a.getType()) && IpLiterals.parse(a.getAddress()) != null)
                        .map(a -> IpLiterals.format(IpLiterals.parse(a.getAddress()))).distinct().toList();
                if (!found.isEmpty()) return found;
            }
        }
        return List.of();
    }

    private static List<IngressLoadBalancerIngress> fromService(NamespacedName nn, List<Service> services) {
        List<IngressLoadBalancerIngress> out = new ArrayList<>();
        for (Service s : services) {
            if (!NamespacedName.of(s).equals(nn) || s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                    || s.getStatus().getLoadBalancer().getIngress() == null) {
                continue;
            }
            for (LoadBalancerIngress lb : s.getStatus().getLoadBalancer().getIngress()) {
                if (lb.getIp() != null && !lb.getIp().isEmpty()) {
                    out.add(ip(lb.getIp()));
                } else if (lb.getHostname() != null && !lb.getHostname().isEmpty()) {
                    out.add(new IngressLoadBalancerIngressBuilder().withHostname(lb.getHostname()).build());
                }
            }
        }
        return out;
    }

    private static IngressLoadBalancerIngress ip(String ip) {
        return new IngressLoadBalancerIngressBuilder().withIp(ip).build();
    }

    /** A copy of the Ingress with the status addresses set. */
    static Ingress withStatus(Ingress ing, List<IngressLoadBalancerIngress> addresses) {
        return new IngressBuilder(ing).withNewStatus().withNewLoadBalancer()
                .withIngress(addresses.stream().map(a -> new IngressLoadBalancerIngressBuilder(a).build()).toList())
                .endLoadBalancer().endStatus().build();
    }
}
