package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ingress-nginx's {@code server-alias}: more names for the servers (hosts) of an Ingress's rules, served exactly as
 * the host (its routes, TLS redirect and client certificates). As in ingress-nginx an alias never overrides a real
 * host: an alias that is the host of some rule is reported and ignored (also when that rule comes later), and an
 * alias already given to another host (by an older Ingress) is too.
 */
final class ServerAliases {
    static final String ANNOTATION = "server-alias";
    private static final Pattern NAME = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9\\-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9\\-]*[a-z0-9])?)*");

    private ServerAliases() {
    }

    /**
     * The aliases by alias name, each naming its host, from the non-canary Ingresses oldest first; {@code hosts}
     * are every rule host.
     */
    static Map<String, String> collect(List<IngressEntry> byAge, Set<String> hosts) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (IngressEntry e : byAge) {
            if (e.canary()) continue;
            AnnotationReader r = e.reader();
            String v = r.string(ANNOTATION);
            if (v == null) continue;
            List<String> targets = new ArrayList<>();
            List<IngressRule> rules = e.ingress().getSpec().getRules() == null ? List.of()
                    : e.ingress().getSpec().getRules();
            for (IngressRule rule : rules) {
                String host = rule.getHost() == null ? "" : rule.getHost().toLowerCase(Locale.ROOT);
                if (!host.isEmpty() && !targets.contains(host)) targets.add(host);
            }
            if (targets.isEmpty()) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key(ANNOTATION) + " has no effect without a rule "
                        + "with a host; ignored");
                continue;
            }
            for (String part : v.split(",")) {
                String alias = part.strip().toLowerCase(Locale.ROOT);
                if (alias.isEmpty()) continue;
                if (!NAME.matcher(alias).matches()) {
                    r.invalid(ANNOTATION, part.strip(), "not a host name");
                    continue;
                }
                if (hosts.contains(alias)) {
                    r.warn("Conflict", "server-alias \"" + alias + "\" is the host of a rule; an alias never "
                            + "overrides a host (as in ingress-nginx): ignored");
                    continue;
                }
                for (String host : targets) {
                    String owner = owners.get(alias);
                    if (owner != null) {
                        r.warn("Conflict", "server-alias \"" + alias + "\" is already an alias of host \""
                                + out.get(alias) + "\" (Ingress " + owner + "); ignored for host \"" + host + "\"");
                        continue;
                    }
                    owners.put(alias, e.name());
                    out.put(alias, host);
                }
            }
        }
        return out;
    }
}
