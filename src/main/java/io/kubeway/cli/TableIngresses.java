package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.kubeway.cli.TableColumns.isEmpty;

/** kubectl's Ingress columns (printIngress): NAME CLASS HOSTS ADDRESS PORTS AGE. */
final class TableIngresses implements TableColumns<Ingress> {
    @Override
    public List<String> headers(boolean wide) {
        return List.of("NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE");
    }

    @Override
    public List<String> row(Ingress ing, boolean wide, Instant now) {
        IngressSpec spec = ing.getSpec() == null ? new IngressSpec() : ing.getSpec();
        return List.of(ing.getMetadata().getName(),
                isEmpty(spec.getIngressClassName()) ? "<none>" : spec.getIngressClassName(),
                hosts(spec.getRules()), address(ing, wide),
                spec.getTls() != null && !spec.getTls().isEmpty() ? "80, 443" : "80",
                TableAge.since(ing.getMetadata().getCreationTimestamp(), now));
    }

    /** kubectl's formatHosts: the first three rule hosts, then "+ N more..."; "*" when none has a host. */
    static String hosts(List<IngressRule> rules) {
        List<String> list = new ArrayList<>();
        boolean more = false;
        int max = 3;
        List<IngressRule> all = rules == null ? List.of() : rules;
        for (IngressRule rule : all) {
            if (list.size() == max) {
                more = true;
            }
            if (!more && !isEmpty(rule.getHost())) {
                list.add(rule.getHost());
            }
        }
        if (list.isEmpty()) {
            return "*";
        }
        String joined = String.join(",", list);
        return more ? joined + " + " + (all.size() - max) + " more..." : joined;
    }

    private static String address(Ingress ing, boolean wide) {
        TreeSet<String> addresses = new TreeSet<>();
        if (ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                && ing.getStatus().getLoadBalancer().getIngress() != null) {
            for (IngressLoadBalancerIngress i : ing.getStatus().getLoadBalancer().getIngress()) {
                if (!isEmpty(i.getIp())) {
                    addresses.add(i.getIp());
                } else if (!isEmpty(i.getHostname())) {
                    addresses.add(i.getHostname());
                }
            }
        }
        String joined = String.join(",", addresses);
        if (!wide && joined.length() > TableServices.LOAD_BALANCER_WIDTH) {
            return joined.substring(0, TableServices.LOAD_BALANCER_WIDTH - 3) + "...";
        }
        return joined;
    }
}
