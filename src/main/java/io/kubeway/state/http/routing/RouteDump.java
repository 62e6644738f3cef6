package io.kubeway.state.http.routing;

import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.kubeway.state.http.Timeouts;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The text of {@link RouteTable#dump()}: hosts (exact, then wildcard, then rules without host), each with its
 * routes in precedence order, their backends with endpoints, and the policy fields that differ from the defaults.
 * Stable for golden tests and readable in the admin API.
 */
final class RouteDump {
    private RouteDump() {
    }

    static String render(RouteTable t) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(t.exactHosts()).values().forEach(h -> host(sb, h));
        new TreeMap<>(t.wildcardHosts()).values().forEach(h -> host(sb, h));
        if (t.anyHost() != null) host(sb, t.anyHost());
        sb.append("default");
        route(sb, t.defaultRoute().route, "  ");
        sb.append("https-port ").append(t.config().httpsPort()).append('\n');
        return sb.toString();
    }

    private static void host(StringBuilder sb, CompiledHost h) {
        VirtualHost vh = h.host;
        sb.append("host ").append(vh.host().isEmpty() ? "(any)" : vh.host());
        if (vh.tls()) sb.append(" tls");
        if (vh.appRoot() != null) {
            sb.append(" app-root=").append(vh.appRoot().path()).append(" (").append(vh.appRoot().ingress()).append(')');
        }
        if (vh.clientAuth() != null) sb.append(" client-auth=").append(vh.clientAuth());
        sb.append('\n');
        for (CompiledRoute r : h.ordered()) {
            sb.append("  ").append(r.route.match());
            route(sb, r.route, "    ");
        }
        if (!vh.host().isEmpty()) {
            sb.append("  fallback");
            route(sb, vh.fallback(), "    ");
        }
    }

    private static void route(StringBuilder sb, Route r, String indent) {
        sb.append(" -> ").append(backend(r.backend())).append(" (").append(r.ingress()).append(")\n");
        List<String> policy = policy(r.policy());
        if (!policy.isEmpty()) sb.append(indent).append(String.join(" ", policy)).append('\n');
        Canary c = r.canary();
        if (c != null) {
            sb.append(indent).append("canary ").append(c.ingress());
            if (c.header() != null) sb.append(" header=").append(c.header());
            if (c.headerValue() != null) sb.append(" header-value=").append(c.headerValue());
            if (c.headerPattern() != null) sb.append(" header-pattern=").append(c.headerPattern());
            if (c.cookie() != null) sb.append(" cookie=").append(c.cookie());
            sb.append(" weight=").append(c.weight()).append('/').append(c.weightTotal());
            sb.append(" -> ").append(backend(c.backend())).append('\n');
        }
    }

    static String backend(Backend b) {
        return switch (b) {
            case Backend.NotFound n -> "404 default backend";
            case Backend.Unavailable u -> "503 (" + u.reason() + ")";
            case Backend.Service s -> cluster(s.cluster());
        };
    }

    private static String cluster(HttpCluster c) {
        String eps = c.endpoints().isEmpty() ? "none: 503"
                : c.endpoints().stream().map(e -> e + " " + e.target()).collect(Collectors.joining(", "));
        boolean named = c.protocol() == BackendProtocol.HTTP || c.name().endsWith("/" + c.protocol());
        return c.name() + (named ? "" : " " + c.protocol()) + (c.tls() == null ? "" : " " + c.tls()) + " [" + eps + "]";
    }

    private static List<String> policy(RoutePolicy p) {
        RoutePolicy d = RoutePolicy.DEFAULT;
        List<String> out = new ArrayList<>();
        if (p.denied() != null) out.add("denied=503 (" + p.denied() + ")");
        if (!p.denySourceRanges().isEmpty()) out.add("deny=" + p.denySourceRanges());
        if (!p.allowSourceRanges().isEmpty()) out.add("allow=" + p.allowSourceRanges());
        if (p.redirect() != null) out.add("redirect=" + p.redirect().code() + " " + p.redirect().url());
        if (p.cors() != null) {
            Cors c = p.cors();
            out.add("cors=" + c.allowOrigins() + " methods=\"" + c.allowMethods() + "\" headers=\"" + c.allowHeaders()
                    + "\" credentials=" + c.allowCredentials() + " expose=\"" + c.exposeHeaders() + "\" max-age="
                    + c.maxAgeSeconds());
        }
        if (p.sslRedirect() != d.sslRedirect()) out.add("ssl-redirect=" + p.sslRedirect());
        if (p.forceSslRedirect()) out.add("force-ssl-redirect");
        if (p.rewriteTarget() != null) out.add("rewrite=" + p.rewriteTarget());
        if (p.xForwardedPrefix() != null) out.add("x-forwarded-prefix=" + p.xForwardedPrefix());
        if (p.maxBodyBytes() != d.maxBodyBytes()) out.add("max-body=" + p.maxBodyBytes());
        if (!p.timeouts().equals(d.timeouts())) out.add("timeouts=" + timeouts(p.timeouts()));
        if (p.affinity() != null) out.add(affinity(p.affinity()));
        if (p.hashBy() != null) out.add("hash-by=" + p.hashBy());
        if (p.rateLimit() != null) {
            RateLimit l = p.rateLimit();
            out.add("limit(rps=" + l.requestsPerSecond() + " burst=" + l.burst() + " connections=" + l.connections()
                    + (l.requestsPerMinute() == 0 ? "" : " rpm=" + l.requestsPerMinute() + " burst-rpm="
                    + l.burstPerMinute())
                    + (l.exemptCidrs().isEmpty() ? "" : " exempt=" + l.exemptCidrs()) + ")");
        }
        if (p.upstreamVhost() != null) out.add("upstream-vhost=" + p.upstreamVhost());
        if (p.proxyRedirect() != null) {
            out.add("proxy-redirect=" + p.proxyRedirect().from() + " " + p.proxyRedirect().to());
        }
        if (p.auth() != null) {
            Auth a = p.auth();
            if (a.basic() != null) {
                out.add("basic-auth(realm=\"" + a.basic().realm() + "\" users=" + new java.util.TreeSet<>(
                        a.basic().users().keySet()) + ")");
            }
            if (a.external() != null) {
                var e = a.external();
                out.add("auth-url=" + e.url() + (e.method() == null ? "" : " method=" + e.method())
                        + (e.signin() == null ? "" : " signin=" + e.signin() + " (" + e.redirectParam() + ")")
                        + (e.responseHeaders().isEmpty() ? "" : " response-headers=" + e.responseHeaders()));
            }
            if (a.satisfyAny()) out.add("satisfy=any");
        }
        if (p.upstream() != null) out.addAll(UpstreamDump.of(p.upstream()));
        return out;
    }

    /** The sticky cookie; attributes left at their defaults are not shown. */
    private static String affinity(EndpointAffinity.Cookie c) {
        StringBuilder sb = new StringBuilder("affinity=cookie(").append(c.name()).append(" path=").append(c.path())
                .append(" max-age=").append(c.maxAgeSeconds());
        if (c.expiresSeconds() > 0) sb.append(" expires=").append(c.expiresSeconds());
        if (c.domain() != null) sb.append(" domain=").append(c.domain());
        if (c.sameSite() != null) sb.append(" samesite=").append(c.sameSite().text());
        if (c.conditionalSameSiteNone()) sb.append(" conditional-samesite-none");
        if (c.secure()) sb.append(" secure");
        if (c.changeOnFailure()) sb.append(" change-on-failure");
        if (c.mode() != EndpointAffinity.Cookie.Mode.BALANCED) sb.append(" mode=persistent");
        return sb.append(')').toString();
    }

    private static String timeouts(Timeouts t) {
        return t.connect().toSeconds() + "s/" + t.read().toSeconds() + "s/" + t.send().toSeconds() + "s";
    }
}
