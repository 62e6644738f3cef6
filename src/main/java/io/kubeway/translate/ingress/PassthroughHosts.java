package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.routing.Backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * ingress-nginx's {@code ssl-passthrough}: the hosts whose TLS connections are relayed by SNI, without
 * termination, to the endpoints of the backend of their {@code /} path. As in ingress-nginx (its passthrough list is
 * built from each server's root location, matched by exact host name):
 * <ul>
 *   <li>only with {@code --enable-ssl-passthrough}; without it the annotation is reported and the host is served as
 *       any other (TLS terminated by Kubeway);</li>
 *   <li>only the path {@code /} counts; other paths of the rule are reported as ignored for passthrough (they still
 *       serve plain HTTP); a rule without host or with a wildcard host cannot be matched by SNI and is reported;</li>
 *   <li>every other annotation has no effect on passthrough connections (layer 4), and is reported. An access
 *       restriction cannot be honoured on a connection Kubeway does not decrypt, so a passthrough Ingress with one is
 *       not passed through at all (fail closed): its host stays terminated, with the restriction enforced;</li>
 *   <li>the oldest Ingress claiming a host keeps it; a canary is never passed through.</li>
 * </ul>
 * Unlike ingress-nginx, which sends passthrough traffic to the Service's ClusterIP, the relay goes straight to the
 * endpoints (what the ClusterIP would balance to).
 */
final class PassthroughHosts {
    static final String ANNOTATION = "ssl-passthrough";

    private PassthroughHosts() {
    }

    /** The passthrough clusters by exact host name, from the Ingresses oldest first. */
    static Map<String, HttpCluster> collect(List<IngressEntry> byAge, boolean enabled, BackendResolver backends) {
        Map<String, HttpCluster> out = new TreeMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        Map<String, String> restricted = enabled ? restrictedHosts(byAge) : Map.of();
        for (IngressEntry e : byAge) {
            AnnotationReader r = e.reader();
            if (!r.has(ANNOTATION) || !r.bool(ANNOTATION, false)) continue;
            String key = r.key(ANNOTATION);
            if (!enabled) {
                e.warn(AnnotationReader.UNSUPPORTED, "annotation " + key + " needs --enable-ssl-passthrough (as in "
                        + "ingress-nginx); TLS for this Ingress's hosts is terminated by kubeway");
                continue;
            }
            if (e.canary()) {
                e.warn(AnnotationReader.UNSUPPORTED, "annotation " + key + " has no effect on a canary Ingress; "
                        + "ignored");
                continue;
            }
            List<String> restricting = r.names().stream().filter(AccessRestrictions::restricting).toList();
            if (!restricting.isEmpty()) {
                e.warn(AnnotationReader.UNSUPPORTED, "annotation " + key + " cannot be combined with " + restricting
                        + ": a passed-through connection is never decrypted, so no access rule could apply to it; "
                        + "TLS for this Ingress's hosts is terminated by kubeway instead and the rules apply "
                        + "(fail closed)");
                continue;
            }
            List<String> others = r.names().stream().filter(n -> !n.equals(ANNOTATION)).toList();
            if (!others.isEmpty()) {
                e.warn(AnnotationReader.INVALID, "annotations " + others + " have no effect on the TLS passthrough "
                        + "connections of this Ingress (layer 4, as in ingress-nginx); they still apply to plain HTTP");
            }
            List<IngressRule> rules = e.ingress().getSpec().getRules() == null ? List.of()
                    : e.ingress().getSpec().getRules();
            for (IngressRule rule : rules) {
                String host = rule.getHost() == null ? "" : rule.getHost().toLowerCase(Locale.ROOT);
                if (host.isEmpty() || host.startsWith("*")) {
                    e.warn(AnnotationReader.INVALID, "annotation " + key + ": " + (host.isEmpty() ? "a rule without "
                            + "host" : "wildcard host \"" + host + "\"") + " cannot be matched by TLS server name "
                            + "(ingress-nginx matches passthrough hosts exactly); not passed through");
                    continue;
                }
                HTTPIngressPath root = null;
                List<String> ignored = new ArrayList<>();
                List<HTTPIngressPath> paths = rule.getHttp() == null || rule.getHttp().getPaths() == null ? List.of()
                        : rule.getHttp().getPaths();
                for (HTTPIngressPath p : paths) {
                    String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
                    if (path.equals("/") && root == null) root = p;
                    else ignored.add(path);
                }
                if (!ignored.isEmpty()) {
                    e.warn(AnnotationReader.INVALID, "annotation " + key + ": paths " + ignored + " of host \"" + host
                            + "\" are ignored for passthrough (only the / path's backend is used, as in ingress-nginx)");
                }
                if (root == null) {
                    e.warn(AnnotationReader.INVALID, "annotation " + key + ": host \"" + host + "\" has no path / "
                            + "whose backend the passthrough connections could go to; not passed through");
                    continue;
                }
                String restrictedBy = restricted.get(host);
                if (restrictedBy != null) {
                    e.warn(AnnotationReader.UNSUPPORTED, "annotation " + key + ": host \"" + host + "\" has access "
                            + "restrictions (Ingress " + restrictedBy + "), which a passed-through connection would "
                            + "bypass; not passed through, TLS is terminated by kubeway and the restrictions apply "
                            + "(fail closed)");
                    continue;
                }
                String owner = owners.get(host);
                if (owner != null) {
                    e.warn("Conflict", "host \"" + host + "\" is already passed through by Ingress " + owner
                            + "; ignored here");
                    continue;
                }
                Backend b = backends.resolve(e.namespace(), root.getBackend(), BackendProtocol.HTTP, e::warn);
                owners.put(host, e.name());
                // the resolved cluster itself (plain HTTP, no backend TLS: what the relay needs), so that an
                // EndpointSlice change that replaces it there replaces it here too (IncrementalIngressTranslator)
                out.put(host, b instanceof Backend.Service s ? s.cluster()
                        : new HttpCluster(e.name() + " (unavailable)", List.of(), BackendProtocol.HTTP));
            }
        }
        return out;
    }

    /** Hosts with a rule of an Ingress that restricts access, each with the first such Ingress. */
    private static Map<String, String> restrictedHosts(List<IngressEntry> byAge) {
        Map<String, String> out = new LinkedHashMap<>();
        for (IngressEntry e : byAge) {
            var a = e.ingress().getMetadata().getAnnotations();
            if (a == null || a.keySet().stream().noneMatch(k -> restrictingKey(k))) continue;
            List<IngressRule> rules = e.ingress().getSpec().getRules() == null ? List.of()
                    : e.ingress().getSpec().getRules();
            for (IngressRule rule : rules) {
                if (rule.getHost() != null) out.putIfAbsent(rule.getHost().toLowerCase(Locale.ROOT), e.name());
            }
        }
        return out;
    }

    private static boolean restrictingKey(String key) {
        for (String prefix : List.of(AnnotationReader.NGINX, AnnotationReader.KUBEWAY)) {
            if (key.startsWith(prefix) && AccessRestrictions.restricting(key.substring(prefix.length()))) return true;
        }
        return false;
    }
}
