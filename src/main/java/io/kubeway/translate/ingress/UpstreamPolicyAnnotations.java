package io.kubeway.translate.ingress;

import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Case;
import io.kubeway.state.http.UpstreamPolicy.ErrorPages;
import io.kubeway.state.http.UpstreamPolicy.NextUpstream;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * ingress-nginx's annotations about the backend's failures and answers: {@code custom-http-errors},
 * {@code default-backend}, {@code proxy-next-upstream}, {@code proxy-next-upstream-tries} and
 * {@code proxy-next-upstream-timeout}, read into the route policy's {@link UpstreamPolicy}.
 *
 * <p>As in ingress-nginx: {@code default-backend} names a Service of the Ingress's namespace whose first port
 * serves (a) the Ingress's paths whose own Service has no endpoints, and (b) with {@code custom-http-errors},
 * the error pages; without it the error pages come from {@code --default-backend-service}, else the built-in
 * 404. A {@code default-backend} Service that is missing or has no endpoints is not used (warning), as
 * ingress-nginx only sets up a custom default backend with endpoints. A value that does not parse is reported and
 * ignored (these annotations restrict nothing).
 */
final class UpstreamPolicyAnnotations {
    static final Set<String> NAMES = Set.of("custom-http-errors", "default-backend", "proxy-next-upstream",
            "proxy-next-upstream-tries", "proxy-next-upstream-timeout", "mirror-target", "mirror-request-body",
            "mirror-host", "mirror-uri", "load-balance", "upstream-hash-by-subset", "upstream-hash-by-subset-size");
    private static final long MAX_SECONDS = 365L * 24 * 3600;

    private UpstreamPolicyAnnotations() {
    }

    /**
     * The parsed annotations with their {@link UpstreamPolicy} added to the policy.
     *
     * <p>As in ingress-nginx's template: the annotation's statuses replace the controller-wide list for the
     * Ingress's routes (nginx's {@code error_page} in the location hides the {@code http} level's) and go to the
     * {@code default-backend} annotation's Service when it has one; the controller-wide list, inherited by a route
     * without the annotation, always goes to the controller's default backend ({@code upstream-default-backend}:
     * {@code --default-backend-service}, else the built-in 404).
     *
     * @param serviceDefault {@code --default-backend-service}'s backend (or the built-in 404), for error pages
     * @param defaultCodes   the controller-wide {@code custom-http-errors} (empty for none); the annotation wins
     */
    static IngressAnnotations.Parsed apply(AnnotationReader r, IngressAnnotations.Parsed parsed, String namespace,
                                           BackendResolver backends, Backend serviceDefault,
                                           Set<Integer> defaultCodes) {
        HttpCluster custom = customDefault(r, namespace, backends);
        Set<Integer> own = codes(r);
        Set<Integer> codes = own != null ? own : defaultCodes;
        ErrorPages pages = null;
        if (!codes.isEmpty()) {
            HttpCluster errors = own != null && custom != null ? custom : errorBackend(serviceDefault);
            pages = new ErrorPages(codes, errors);
        }
        UpstreamPolicy u = new UpstreamPolicy(pages, nextUpstream(r), custom, mirror(r),
                ewma(r, parsed), subsetSize(r, parsed));
        if (u.isEmpty()) return parsed;
        RoutePolicy p = parsed.policy().toBuilder().upstream(u).build();
        return new IngressAnnotations.Parsed(p, parsed.regex(), parsed.protocol(), parsed.appRoot(), parsed.canary(),
                parsed.cookie(), parsed.clientAuth(), parsed.upstream());
    }

    /**
     * Where the controller's default backend sends error pages: {@code --default-backend-service}'s cluster when it
     * has endpoints; null (the built-in 404) otherwise, as ingress-nginx's {@code upstream-default-backend} falls
     * back to its built-in server when that Service is not configured or has no endpoints.
     */
    static @Nullable HttpCluster errorBackend(Backend serviceDefault) {
        return serviceDefault instanceof Backend.Service s && !s.cluster().endpoints().isEmpty() ? s.cluster() : null;
    }

    /** The route's backend, or the {@code default-backend} annotation's when the route's has no endpoints. */
    static Backend orDefault(Backend b, RoutePolicy p) {
        HttpCluster fallback = p.upstream() == null ? null : p.upstream().whenNoEndpoints();
        if (fallback == null) return b;
        boolean empty = switch (b) {
            case Backend.Service s -> s.cluster().endpoints().isEmpty();
            case Backend.Unavailable u -> true;
            case Backend.NotFound n -> false;
        };
        return empty ? new Backend.Service(fallback) : b;
    }

    private static @Nullable HttpCluster customDefault(AnnotationReader r, String namespace, BackendResolver backends) {
        String name = r.string("default-backend");
        if (name == null) return null;
        if (!io.kubeway.core.KubeNames.dns1123Label(name).isEmpty()) {
            r.invalid("default-backend", name, "must be the name of a Service in the Ingress's namespace");
            return null;
        }
        NamespacedName nn = new NamespacedName(namespace, name);
        Backend b = backends.defaultService(nn, (reason, message) -> r.warn(reason, "annotation "
                + r.key("default-backend") + ": " + message.replace("the built-in 404 answers instead", "ignored")));
        if (!(b instanceof Backend.Service s)) return null;
        if (s.cluster().endpoints().isEmpty()) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("default-backend") + ": service " + nn
                    + " has no ready endpoints; ignored until it has (as in ingress-nginx)");
            return null;
        }
        return s.cluster();
    }

    /**
     * {@code mirror-target} (an http or https URL whose path may hold nginx variables such as {@code $request_uri}),
     * {@code mirror-request-body} ({@code on} by default), {@code mirror-host}. {@code mirror-uri} alone names an
     * nginx location, which only a snippet could define: reported and ignored.
     */
    private static UpstreamPolicy.@Nullable Mirror mirror(AnnotationReader r) {
        String target = r.text("mirror-target");
        if (target == null) {
            for (String n : List.of("mirror-request-body", "mirror-host", "mirror-uri")) {
                if (r.has(n)) {
                    r.warn(AnnotationReader.INVALID, "annotation " + r.key(n) + " has no effect without "
                            + r.key("mirror-target") + "; ignored");
                }
            }
            return null;
        }
        if (r.has("mirror-uri")) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("mirror-uri") + " has no effect with "
                    + r.key("mirror-target") + " (it names an nginx location); ignored");
        }
        String body = r.string("mirror-request-body");
        boolean withBody = true;
        if (body != null) {
            switch (body) {
                case "on" -> withBody = true;
                case "off" -> withBody = false;
                default -> r.invalid("mirror-request-body", body, "must be \"on\" or \"off\" (on applies)");
            }
        }
        int scheme = target.indexOf("://");
        String s = scheme < 0 ? "" : target.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            r.invalid("mirror-target", target, "must be an http or https URL");
            return null;
        }
        String rest = target.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? null : rest.substring(slash);
        java.net.URI u;
        try {
            u = new java.net.URI(s + "://" + authority + "/");
        } catch (java.net.URISyntaxException e) {
            r.invalid("mirror-target", target, "not a URL: " + e.getReason());
            return null;
        }
        if (u.getHost() == null || u.getUserInfo() != null || authority.contains("$")) {
            r.invalid("mirror-target", target, "needs a host (without variables or user info)");
            return null;
        }
        if (path != null) {
            if (path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                r.invalid("mirror-target", target, "the path must not contain spaces or control characters");
                return null;
            }
            try {
                io.kubeway.state.http.routing.HashKey.parse(path);
            } catch (IllegalArgumentException e) {
                r.invalid("mirror-target", target, e.getMessage());
                return null;
            }
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        int port = u.getPort() > 0 ? u.getPort() : s.equals("https") ? 443 : 80;
        String mirrorHost = r.text("mirror-host");
        return new UpstreamPolicy.Mirror(target, s.equals("https"), host, port,
                mirrorHost != null ? mirrorHost : authority, path, withBody);
    }

    /**
     * {@code load-balance}: {@code round_robin} (the default) or {@code ewma}. As in ingress-nginx, cookie affinity
     * and {@code upstream-hash-by} take precedence (reported here, where ingress-nginx is silent).
     */
    private static boolean ewma(AnnotationReader r, IngressAnnotations.Parsed parsed) {
        String v = r.string("load-balance");
        if (v == null) return false;
        if (!v.equals("round_robin") && !v.equals("ewma")) {
            r.invalid("load-balance", v, "must be round_robin or ewma (round robin applies)");
            return false;
        }
        boolean ewma = v.equals("ewma");
        if (ewma && (parsed.cookie() != null || parsed.policy().hashBy() != null)) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("load-balance") + " has no effect with "
                    + (parsed.cookie() != null ? "affinity: cookie" : r.key("upstream-hash-by"))
                    + " (it decides, as in ingress-nginx); ignored");
            return false;
        }
        return ewma;
    }

    /** {@code upstream-hash-by-subset} and {@code -size} (default 3, as ingress-nginx). */
    private static int subsetSize(AnnotationReader r, IngressAnnotations.Parsed parsed) {
        boolean subset = r.bool("upstream-hash-by-subset", false);
        Long size = r.integer("upstream-hash-by-subset-size", 1, 1000);
        if (!subset || parsed.policy().hashBy() == null) {
            if (subset) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("upstream-hash-by-subset")
                        + " has no effect without " + r.key("upstream-hash-by") + "; ignored");
            } else if (r.has("upstream-hash-by-subset-size")) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("upstream-hash-by-subset-size")
                        + " has no effect without " + r.key("upstream-hash-by-subset") + ": \"true\"; ignored");
            }
            return 0;
        }
        return size == null ? 3 : size.intValue();
    }

    /** The annotation's statuses; without it (or with a bad value, reported) the controller-wide ones. */
    private static @Nullable Set<Integer> codes(AnnotationReader r) {
        String v = r.string("custom-http-errors");
        if (v == null) return null;
        Set<Integer> out = parseCodes(v);
        if (out == null) r.invalid("custom-http-errors", v, CODES_RULE);
        return out;
    }

    static final String CODES_RULE = "must be a comma-separated list of statuses from 300 to 599";

    /**
     * A {@code custom-http-errors} value (the annotation's or the controller ConfigMap's): comma-separated statuses
     * from 300 to 599; null when it does not parse.
     */
    static @Nullable Set<Integer> parseCodes(String v) {
        Set<Integer> out = new TreeSet<>();
        for (String part : v.split(",")) {
            String s = part.strip();
            if (!s.matches("[0-9]{3}") || Integer.parseInt(s) < 300 || Integer.parseInt(s) > 599) return null;
            out.add(Integer.parseInt(s));
        }
        return out;
    }

    private static @Nullable NextUpstream nextUpstream(AnnotationReader r) {
        if (!r.has("proxy-next-upstream") && !r.has("proxy-next-upstream-tries")
                && !r.has("proxy-next-upstream-timeout")) {
            return null;
        }
        NextUpstream d = NextUpstream.DEFAULT;
        Set<Case> when = d.when();
        String v = r.string("proxy-next-upstream");
        if (v != null) when = cases(r, v, d.when());
        Long tries = r.integer("proxy-next-upstream-tries", 0, 1000);
        Long timeout = r.integer("proxy-next-upstream-timeout", 0, MAX_SECONDS);
        return new NextUpstream(when, tries == null ? d.tries() : tries.intValue(),
                timeout == null ? d.timeout() : Duration.ofSeconds(timeout));
    }

    /** nginx's {@code proxy_next_upstream} syntax: space-separated cases, or {@code off} alone. */
    private static Set<Case> cases(AnnotationReader r, String v, Set<Case> dflt) {
        String[] words = v.strip().split("\\s+");
        if (words.length == 1 && words[0].equals("off")) return Set.of();
        EnumSet<Case> out = EnumSet.noneOf(Case.class);
        for (String w : words) {
            Case c = Case.parse(w);
            if (c == null) {
                r.invalid("proxy-next-upstream", v, "\"" + w + "\" is not one of error, timeout, invalid_header, "
                        + "http_500, http_502, http_503, http_504, http_403, http_404, http_429, non_idempotent, off");
                return dflt;
            }
            out.add(c);
        }
        return out;
    }
}
