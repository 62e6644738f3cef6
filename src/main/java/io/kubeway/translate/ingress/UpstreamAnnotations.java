package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.BackendTls;
import io.kubeway.state.http.ProxyRedirect;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How an Ingress speaks to its backends, besides the protocol: {@code upstream-vhost} (the {@code Host} header sent),
 * {@code proxy-redirect-from}/{@code -to} (nginx's {@code proxy_redirect}), {@code service-upstream} (the Service's
 * ClusterIP instead of its endpoints) and backend TLS ({@link BackendTlsAnnotations}).
 *
 * <p>Values holding nginx variables ({@code $host} ...) are not expanded by Kubeway: they are reported and ignored.
 * {@code proxy-redirect-from} {@code off} (the default) or {@code default} means no rewriting ({@code default} is
 * nginx's rewrite of its own upstream URL, {@code http://upstream_balancer}, which no backend sends); a regex
 * ({@code ~...}) is not supported.
 */
final class UpstreamAnnotations {
    static final Set<String> NAMES = Set.of("upstream-vhost", "proxy-redirect-from", "proxy-redirect-to",
            "service-upstream");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9\\-.:\\[\\]_]+");

    /**
     * What decides a route's cluster beyond its Service port.
     *
     * @param tls             backend TLS, or null for ingress-nginx's default
     * @param serviceUpstream connect to the Service's ClusterIP and port
     */
    record Upstream(@Nullable BackendTls tls, boolean serviceUpstream) {
        static final Upstream DEFAULT = new Upstream(null, false);
    }

    private UpstreamAnnotations() {
    }

    /** Sets upstream-vhost and proxy-redirect on {@code p}; returns the cluster settings. */
    static Upstream parse(AnnotationReader r, String namespace, Map<NamespacedName, Secret> secrets,
                          BackendProtocol protocol, RoutePolicy.Builder p) {
        String vhost = r.text("upstream-vhost");
        if (vhost != null) {
            if (vhost.contains("$")) {
                r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key("upstream-vhost") + ": nginx variables "
                        + "are not expanded by kubeway; ignored (the client's Host is sent)");
            } else if (!HOST.matcher(vhost).matches()) {
                r.invalid("upstream-vhost", vhost, "not a host name");
            } else {
                p.upstreamVhost(vhost);
            }
        }
        p.proxyRedirect(proxyRedirect(r));
        BackendTls tls = BackendTlsAnnotations.parse(r, namespace, secrets, protocol, p);
        boolean serviceUpstream = r.bool("service-upstream", false);
        return tls == null && !serviceUpstream ? Upstream.DEFAULT : new Upstream(tls, serviceUpstream);
    }

    private static @Nullable ProxyRedirect proxyRedirect(AnnotationReader r) {
        String from = r.string("proxy-redirect-from");
        String to = r.string("proxy-redirect-to");
        if (from == null || from.equals("off") || from.equals("default")) {
            if (to != null) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("proxy-redirect-to") + " has no effect without "
                        + "a proxy-redirect-from other than off or default (as in ingress-nginx); ignored");
            }
            return null;
        }
        if (to == null) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("proxy-redirect-from") + " needs "
                    + r.key("proxy-redirect-to") + " (they are used in unison); ignored");
            return null;
        }
        for (String[] v : new String[][]{{"proxy-redirect-from", from}, {"proxy-redirect-to", to}}) {
            if (v[1].isEmpty() || v[1].chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
                r.invalid(v[0], v[1], "must be a string without spaces");
                return null;
            }
            if (v[1].contains("$")) {
                r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key(v[0]) + ": nginx variables are not "
                        + "expanded by kubeway; proxy-redirect ignored");
                return null;
            }
        }
        if (from.startsWith("~")) {
            r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key("proxy-redirect-from") + ": regular "
                    + "expressions are not supported by kubeway; ignored");
            return null;
        }
        return new ProxyRedirect(from, to);
    }
}
