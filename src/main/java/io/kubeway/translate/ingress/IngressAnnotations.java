package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.routing.CidrBlock;
import io.kubeway.state.http.routing.Cors;
import io.kubeway.state.http.routing.HashKey;
import io.kubeway.state.http.routing.Redirect;
import io.kubeway.state.http.routing.RoutePolicy;
import org.jspecify.annotations.Nullable;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The meaning of one Ingress's annotations (ingress-nginx's, read through {@link AnnotationReader}). Everything
 * in {@link #SUPPORTED} and {@link AffinityAnnotations#NAMES} is implemented; an access-restricting annotation that is not closes the routes
 * ({@link AccessRestrictions}); anything else under the two prefixes gets an UnsupportedAnnotation warning.
 * docs/annotations.md is the user-facing table.
 */
final class IngressAnnotations {
    static final Set<String> SUPPORTED = Set.of(
            "use-regex", "enable-global-auth", "rewrite-target", "ssl-redirect", "force-ssl-redirect", "backend-protocol",
            "proxy-body-size", "proxy-connect-timeout", "proxy-read-timeout", "proxy-send-timeout",
            "affinity", "session-cookie-name", "session-cookie-max-age", "session-cookie-expires",
            "session-cookie-path", "canary", "canary-weight", "canary-weight-total", "canary-by-header",
            "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie", "whitelist-source-range",
            "allowlist-source-range", "denylist-source-range", "satisfy", "permanent-redirect", "permanent-redirect-code",
            "temporal-redirect", "temporal-redirect-code", "app-root", "enable-cors", "cors-allow-origin",
            "cors-allow-methods", "cors-allow-headers", "cors-allow-credentials", "cors-expose-headers",
            "cors-max-age", "limit-rps", "limit-rpm", "limit-connections", "limit-burst-multiplier", "limit-whitelist",
            "upstream-hash-by", "x-forwarded-prefix",
            PassthroughHosts.ANNOTATION, ServerAliases.ANNOTATION);

    private static final List<String> CANARY_RULES = List.of("canary-weight", "canary-weight-total",
            "canary-by-header", "canary-by-header-value", "canary-by-header-pattern", "canary-by-cookie");
    // ingress-nginx's validation of the cors-* values (internal/ingress/annotations/cors).
    private static final Pattern CORS_ORIGIN = Pattern.compile("(https?://(\\*\\.)?[A-Za-z0-9\\-.]*(:\\d+)?|\\*)?");
    private static final Pattern CORS_METHODS = Pattern.compile("([A-Za-z]+,?\\s?)+");
    private static final Pattern CORS_HEADERS = Pattern.compile("([A-Za-z0-9\\-_]+,?\\s?)+");
    private static final Pattern CORS_EXPOSE = Pattern.compile("(([A-Za-z0-9\\-_]+|\\*),?\\s?)+");
    private static final long MAX_SECONDS = 365L * 24 * 3600;

    /** canary: "true" and its rules. */
    record CanarySpec(int weight, int weightTotal, @Nullable String header, @Nullable String headerValue,
                      @Nullable String headerPattern, @Nullable String cookie) {
    }

    /**
     * @param policy every route's policy but the affinity cookie's path
     * @param regex  use-regex, or a rewrite-target (ingress-nginx switches the paths to regexes for both)
     */
    record Parsed(RoutePolicy policy, boolean regex, BackendProtocol protocol, @Nullable String appRoot,
                  @Nullable CanarySpec canary, AffinityAnnotations.@Nullable Spec cookie, @Nullable ClientAuth clientAuth,
                  UpstreamAnnotations.Upstream upstream) {
        /** Without upstream settings (tests). */
        Parsed(RoutePolicy policy, boolean regex, BackendProtocol protocol, @Nullable String appRoot,
               @Nullable CanarySpec canary, AffinityAnnotations.@Nullable Spec cookie, @Nullable ClientAuth clientAuth) {
            this(policy, regex, protocol, appRoot, canary, cookie, clientAuth, UpstreamAnnotations.Upstream.DEFAULT);
        }
    }

    private IngressAnnotations() {
    }

    /** Parses the annotations of an Ingress whose Secrets are not needed (tests). */
    static Parsed parse(AnnotationReader r, String scope) {
        return parse(r, scope, Map.of());
    }

    /**
     * Parses the annotations; {@code scope} ({@code ns/name}) names the rate limits' counters; {@code secrets} are
     * every Secret by name, for {@code auth-secret}.
     */
    static Parsed parse(AnnotationReader r, String scope, Map<NamespacedName, Secret> secrets) {
        return parse(r, scope, secrets, RoutePolicy.DEFAULT);
    }

    /**
     * As above, over {@code base}: the controller ConfigMap's defaults (ssl-redirect, force-ssl-redirect,
     * proxy-body-size, timeouts, whitelist-source-range), which annotations override as in ingress-nginx.
     */
    static Parsed parse(AnnotationReader r, String scope, Map<NamespacedName, Secret> secrets, RoutePolicy base) {
        return parse(r, scope, secrets, base, GlobalAuth.NONE);
    }

    /** As above, with the controller ConfigMap's global external authentication ({@link GlobalAuth}). */
    static Parsed parse(AnnotationReader r, String scope, Map<NamespacedName, Secret> secrets, RoutePolicy base,
                        GlobalAuth global) {
        r.reportUnsupported(name -> SUPPORTED.contains(name) || AffinityAnnotations.NAMES.contains(name)
                || AccessRestrictions.restricting(name) || UpstreamAnnotations.NAMES.contains(name)
                || UpstreamPolicyAnnotations.NAMES.contains(name) || BackendTlsAnnotations.NAMES.contains(name));
        CanarySpec canary = canary(r);
        String rewrite = rewriteTarget(r);
        RoutePolicy.Builder p = base.toBuilder()
                .redirect(redirect(r))
                .sslRedirect(r.bool("ssl-redirect", base.sslRedirect()))
                .forceSslRedirect(r.bool("force-ssl-redirect", base.forceSslRedirect()))
                .rewriteTarget(rewrite)
                .xForwardedPrefix(r.text("x-forwarded-prefix"))
                .timeouts(timeouts(r, base.timeouts()))
                .cors(cors(r))
                .rateLimit(rateLimit(r, scope));
        Long body = r.size("proxy-body-size");
        if (body != null) p.maxBodyBytes(body);
        ClientAuth clientAuth = AccessRestrictions.apply(r, canary != null, scope.substring(0, scope.indexOf('/')),
                secrets, global, p);
        AffinityAnnotations.Spec cookie = AffinityAnnotations.parse(r);
        String hashBy = hashBy(r);
        if (cookie != null && hashBy != null) {
            r.warn(AnnotationReader.INVALID, "annotation " + r.key("upstream-hash-by")
                    + " has no effect with affinity: cookie (the cookie decides, as in ingress-nginx); ignored");
        } else {
            p.hashBy(hashBy);
        }
        boolean regex = r.bool("use-regex", false) || rewrite != null;
        BackendProtocol protocol = protocol(r);
        UpstreamAnnotations.Upstream upstream = UpstreamAnnotations.parse(r, scope.substring(0, scope.indexOf('/')),
                secrets, protocol, p);
        return new Parsed(p.build(), regex, protocol, appRoot(r), canary, cookie, clientAuth, upstream);
    }

    private static @Nullable String rewriteTarget(AnnotationReader r) {
        String v = r.text("rewrite-target");
        if (v != null && v.chars().anyMatch(Character::isWhitespace)) {
            r.invalid("rewrite-target", v, "must not contain whitespace");
            return null;
        }
        return v;
    }

    /** temporal-redirect wins over permanent-redirect, as in ingress-nginx. */
    private static @Nullable Redirect redirect(AnnotationReader r) {
        String temporal = url(r, "temporal-redirect");
        String permanent = url(r, "permanent-redirect");
        if (temporal != null) {
            if (permanent != null) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("permanent-redirect") + " has no effect with "
                        + r.key("temporal-redirect") + "; ignored");
            }
            return new Redirect(redirectCode(r, "temporal-redirect-code", 302), temporal);
        }
        return permanent == null ? null : new Redirect(redirectCode(r, "permanent-redirect-code", 301), permanent);
    }

    private static @Nullable String url(AnnotationReader r, String name) {
        String v = r.text(name);
        if (v == null) return null;
        try {
            URI u = new URI(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                r.invalid(name, v, "only http and https URLs are valid");
                return null;
            }
            return v;
        } catch (java.net.URISyntaxException e) {
            r.invalid(name, v, "not a URL: " + e.getReason());
            return null;
        }
    }

    private static int redirectCode(AnnotationReader r, String name, int dflt) {
        Long code = r.integer(name, 300, 308);
        return code == null ? dflt : code.intValue();
    }

    private static Timeouts timeouts(AnnotationReader r, Timeouts d) {
        return new Timeouts(seconds(r, "proxy-connect-timeout", d.connect()), seconds(r, "proxy-read-timeout",
                d.read()), seconds(r, "proxy-send-timeout", d.send()));
    }

    private static Duration seconds(AnnotationReader r, String name, Duration dflt) {
        Long v = r.integer(name, 1, MAX_SECONDS);
        return v == null ? dflt : Duration.ofSeconds(v);
    }

    private static @Nullable Cors cors(AnnotationReader r) {
        if (!r.bool("enable-cors", false)) return null;
        List<String> origins = new ArrayList<>();
        String allowOrigin = r.string("cors-allow-origin");
        if (allowOrigin == null) {
            origins.add("*");
        } else {
            for (String o : allowOrigin.split(",")) {
                String origin = o.strip();
                if (origin.equals("*")) {
                    origins = new ArrayList<>(List.of("*"));
                    break;
                }
                if (origin.isEmpty() || !CORS_ORIGIN.matcher(origin).matches()) {
                    r.invalid("cors-allow-origin", origin, "not an origin such as https://example.com or "
                            + "https://*.example.com");
                } else {
                    origins.add(origin);
                }
            }
            if (origins.isEmpty()) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("cors-allow-origin")
                        + " has no valid origin; CORS stays off");
                return null;
            }
        }
        return new Cors(origins, corsValue(r, "cors-allow-methods", CORS_METHODS, Cors.DEFAULT_METHODS),
                corsValue(r, "cors-allow-headers", CORS_HEADERS, Cors.DEFAULT_HEADERS),
                r.bool("cors-allow-credentials", true), corsValue(r, "cors-expose-headers", CORS_EXPOSE, ""),
                nonNull(r.integer("cors-max-age", 0, Integer.MAX_VALUE), Cors.DEFAULT_MAX_AGE));
    }

    private static String corsValue(AnnotationReader r, String name, Pattern valid, String dflt) {
        String v = r.string(name);
        if (v == null) return dflt;
        if (!valid.matcher(v).matches()) {
            r.invalid(name, v, "must be a comma-separated list of names");
            return dflt;
        }
        return v;
    }

    /**
     * limit-rps, limit-rpm and limit-connections with their burst multiplier and whitelist. A whitelist with an entry
     * that is not a CIDR or IP is dropped whole (ingress-nginx's parser fails on the list as a unit) and the limits
     * apply to every client: an exemption is never widened by a typo, and the limits never vanish (older
     * ingress-nginx dropped the limits with the list; newer refuses the Ingress).
     */
    private static @Nullable RateLimit rateLimit(AnnotationReader r, String scope) {
        long rps = nonNull(r.integer("limit-rps", 0, Integer.MAX_VALUE), 0L);
        long rpm = nonNull(r.integer("limit-rpm", 0, Integer.MAX_VALUE), 0L);
        long connections = nonNull(r.integer("limit-connections", 0, Integer.MAX_VALUE), 0L);
        long multiplier = nonNull(r.integer("limit-burst-multiplier", 1, 1000), 5L);
        List<String> exempt = whitelist(r);
        if (rps == 0 && rpm == 0 && connections == 0) {
            for (String rule : List.of("limit-burst-multiplier", "limit-whitelist")) {
                if (r.has(rule)) ineffective(r, rule, "limit-rps, limit-rpm or limit-connections");
            }
            return null;
        }
        long burst = Math.min(Integer.MAX_VALUE, rps * multiplier);
        long burstPerMinute = Math.min(Integer.MAX_VALUE, rpm * multiplier);
        return new RateLimit(scope, (int) rps, (int) burst, (int) connections, exempt, (int) rpm, (int) burstPerMinute);
    }

    private static List<String> whitelist(AnnotationReader r) {
        String v = r.string("limit-whitelist");
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(CidrBlock.parse(part).toString());
            } catch (IllegalArgumentException e) {
                r.warn(AnnotationReader.INVALID, "annotation " + r.key("limit-whitelist") + ": invalid value \""
                        + part.strip() + "\": not a CIDR or IP address; the whole list is ignored and the limits apply "
                        + "to every client");
                return List.of();
            }
        }
        return out;
    }

    private static @Nullable String hashBy(AnnotationReader r) {
        String v = r.string("upstream-hash-by");
        if (v == null) return null;
        try {
            HashKey.parse(v);
            return v;
        } catch (IllegalArgumentException e) {
            r.invalid("upstream-hash-by", v, e.getMessage());
            return null;
        }
    }

    private static BackendProtocol protocol(AnnotationReader r) {
        String v = r.string("backend-protocol");
        if (v == null) return BackendProtocol.HTTP;
        String upper = v.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "HTTP", "HTTPS", "GRPC", "GRPCS" -> BackendProtocol.valueOf(upper);
            case "AUTO_HTTP", "FCGI" -> {
                r.warn(AnnotationReader.UNSUPPORTED, "annotation " + r.key("backend-protocol") + ": " + upper
                        + " is not supported by kubeway; using HTTP");
                yield BackendProtocol.HTTP;
            }
            default -> {
                r.invalid("backend-protocol", v, "must be one of HTTP, HTTPS, GRPC, GRPCS");
                yield BackendProtocol.HTTP;
            }
        };
    }

    private static @Nullable String appRoot(AnnotationReader r) {
        String v = r.text("app-root");
        if (v != null && (!v.startsWith("/") || v.chars().anyMatch(Character::isWhitespace))) {
            r.invalid("app-root", v, "must be a path starting with /");
            return null;
        }
        return v;
    }

    private static @Nullable CanarySpec canary(AnnotationReader r) {
        if (!r.bool("canary", false)) {
            for (String rule : CANARY_RULES) {
                if (r.has(rule)) ineffective(r, rule, "canary: \"true\"");
            }
            return null;
        }
        int total = nonNull(r.integer("canary-weight-total", 1, Integer.MAX_VALUE), 100L).intValue();
        Long weight = r.integer("canary-weight", 0, Integer.MAX_VALUE);
        if (weight != null && weight > total) {
            r.invalid("canary-weight", String.valueOf(weight), "must not exceed canary-weight-total (" + total
                    + "); using " + total);
            weight = (long) total;
        }
        String header = r.text("canary-by-header");
        String value = r.text("canary-by-header-value");
        String pattern = r.text("canary-by-header-pattern");
        if (pattern != null) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                r.invalid("canary-by-header-pattern", pattern, "invalid regular expression: " + e.getDescription());
                pattern = null;
            }
        }
        if (header == null) {
            if (value != null) ineffective(r, "canary-by-header-value", "canary-by-header");
            if (pattern != null) ineffective(r, "canary-by-header-pattern", "canary-by-header");
            value = null;
            pattern = null;
        }
        return new CanarySpec(weight == null ? 0 : weight.intValue(), total, header, value, pattern,
                r.text("canary-by-cookie"));
    }

    private static void ineffective(AnnotationReader r, String name, String needs) {
        r.warn(AnnotationReader.INVALID, "annotation " + r.key(name) + " has no effect without " + needs + "; ignored");
    }

    private static <T> T nonNull(@Nullable T v, T dflt) {
        return v == null ? dflt : v;
    }
}
