package io.kubeway.state.http.routing;

import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.PasswordCheck;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.RouteDecision;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.state.http.RouteDecision.Respond;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@link Route} prepared at table construction: its matcher, compiled policy and fixed answers, so that a
 * request costs a few comparisons and, when forwarded, one {@link Forward}.
 */
final class CompiledRoute {
    /** ingress-nginx's default {@code no-tls-redirect-locations}: ACME HTTP-01 challenges stay on plain HTTP. */
    private static final String ACME_CHALLENGE = "/.well-known/acme-challenge";

    final Route route;
    final PathMatch.Kind kind;
    /** The exact path, the prefix key, or the regex as written. */
    final String key;
    final int precedenceLength;
    private final @Nullable Pattern regex;

    private final CidrBlock[] allow;
    private final CidrBlock[] deny;
    private final @Nullable Respond redirect;
    private final @Nullable CorsRules cors;
    private final boolean sslRedirect;
    private final boolean forceSslRedirect;
    private final @Nullable Rewrite rewrite;
    private final Map<String, String> setRequestHeaders;
    private final @Nullable HashKey hashKey;
    private final Target main;
    private final @Nullable CanaryRules canary;
    private final Respond forbidden;
    private final @Nullable Respond denied;
    private final @Nullable BasicAuthCheck basicAuth;
    private final @Nullable ExternalAuth externalAuth;
    private final boolean satisfyAny;
    private final @Nullable ClientCertChecks certs;

    CompiledRoute(Route route) {
        this(route, null);
    }

    /** @param certs the client-certificate checks of the route's host, or null */
    CompiledRoute(Route route, @Nullable ClientCertChecks certs) {
        this.route = route;
        this.certs = certs;
        PathMatch m = route.match();
        this.kind = m.kind();
        this.key = kind == PathMatch.Kind.PREFIX ? m.prefixKey() : m.path();
        this.precedenceLength = m.precedenceLength();
        this.regex = kind == PathMatch.Kind.REGEX ? PathMatch.compile(m.path()) : null;

        RoutePolicy p = route.policy();
        String ingress = route.ingress();
        this.allow = p.allowSourceRanges().stream().map(CidrBlock::parse).toArray(CidrBlock[]::new);
        this.deny = p.denySourceRanges().stream().map(CidrBlock::parse).toArray(CidrBlock[]::new);
        this.redirect = p.redirect() == null ? null
                : new Respond(ingress, p.redirect().code(), Map.of("Location", p.redirect().url()), "");
        this.cors = p.cors() == null ? null : new CorsRules(p.cors());
        boolean acme = m.kind() != PathMatch.Kind.REGEX && m.path().startsWith(ACME_CHALLENGE);
        this.sslRedirect = p.sslRedirect() && !acme;
        this.forceSslRedirect = p.forceSslRedirect() && !acme;
        this.rewrite = p.rewriteTarget() == null ? null
                : new Rewrite(regex != null ? regex : PathMatch.compile(m.path()), p.rewriteTarget());
        this.setRequestHeaders = requestHeaders(p);
        this.hashKey = p.hashBy() == null ? null : HashKey.parse(p.hashBy());
        this.main = Target.of(ingress, route.backend());
        this.canary = route.canary() == null ? null : new CanaryRules(route.canary());
        this.forbidden = new Respond(ingress, 403, Map.of(), "403 Forbidden");
        this.denied = p.denied() == null ? null : new Respond(ingress, 503, Map.of(), Target.UNAVAILABLE_BODY);
        Auth auth = p.auth();
        this.basicAuth = auth == null || auth.basic() == null ? null
                : new BasicAuthCheck(ingress, auth.basic(), VerifiedCredentials.SHARED);
        // nginx's satisfy any needs an access rule to pass: without source ranges, credentials are required.
        // Only with an authentication to fall back on: a refused address is never let through without one.
        this.externalAuth = auth == null ? null : auth.external();
        this.satisfyAny = auth != null && auth.satisfyAny() && (basicAuth != null || externalAuth != null)
                && (allow.length > 0 || deny.length > 0);
    }

    /** x-forwarded-prefix, and upstream-vhost as the Host header (nginx's {@code proxy_set_header Host}). */
    private static Map<String, String> requestHeaders(RoutePolicy p) {
        if (p.upstreamVhost() == null) {
            return p.xForwardedPrefix() == null ? Map.of() : Map.of("X-Forwarded-Prefix", p.xForwardedPrefix());
        }
        return p.xForwardedPrefix() == null ? Map.of("Host", p.upstreamVhost())
                : Map.of("X-Forwarded-Prefix", p.xForwardedPrefix(), "Host", p.upstreamVhost());
    }

    /** Whether the normalised path matches (exact and prefix case-sensitive, regex case-insensitive). */
    boolean matches(String path) {
        return switch (kind) {
            case EXACT -> path.equals(key);
            case PREFIX -> RequestPaths.prefixMatches(path, key);
            case REGEX -> regex.matcher(path).lookingAt();
        };
    }

    /**
     * What to do with a request that selected this route. Order: a denied route's 503 before anything else (no
     * redirect or CORS answer either: the route is closed), source ranges (403; with {@code satisfy: any} and basic
     * auth, a refused address may still authenticate), fixed redirect, CORS preflight (204), HTTPS redirect (308),
     * client certificate over plain HTTP, basic auth (401), then the canary choice and the forward (or 404/503 when
     * there is nothing to forward to).
     */
    RouteDecision decide(RequestView req, String path, boolean hostTls, RouteTable table) {
        if (denied != null) return denied;
        boolean addressAllowed = true;
        if (allow.length > 0 || deny.length > 0) {
            InetAddress ip = req.clientIp();
            addressAllowed = !inAny(deny, ip) && (allow.length == 0 || inAny(allow, ip));
            if (!addressAllowed && !satisfyAny) return forbidden;
        }
        if (redirect != null) return redirect;
        Map<String, String> responseHeaders = hostTls && req.tls() ? table.hsts() : Map.of();
        if (cors != null) {
            String origin = cors.allowedOrigin(req.header("origin"));
            if (origin != null) {
                if ("OPTIONS".equals(req.method())) {
                    return new Respond(route.ingress(), 204, cors.preflightHeaders(origin), "");
                }
                responseHeaders = GlobalChecks.merge(responseHeaders, cors.responseHeaders(origin));
            }
        }
        if (!req.tls() && (forceSslRedirect || (sslRedirect && hostTls))) {
            String location = table.httpsLocation(req);
            if (location != null) return new Respond(route.ingress(), 308, Map.of("Location", location), "");
        }
        if (certs != null && !req.tls()) {
            Respond refused = certs.plainHttp(req);
            if (refused != null) return refused;
        }
        // nginx's access phase (auth_basic) runs after the rewrite phase's redirects and CORS preflight answer.
        boolean authenticate = !(satisfyAny && addressAllowed);
        PasswordCheck pending = basicAuth != null && authenticate ? basicAuth.check(req) : null;
        if (pending == BasicAuthCheck.DENY) return basicAuth.unauthorized();
        RouteDecision d = forwardOrRespond(req, path, responseHeaders, authenticate, table);
        // a costly hash is checked by the engine, off its event loop, before it carries out the decision
        return pending == null ? d : new RouteDecision.Authenticate(d, basicAuth.unauthorized(), pending);
    }

    private RouteDecision forwardOrRespond(RequestView req, String path, Map<String, String> responseHeaders,
                                           boolean authenticate, RouteTable table) {
        Target target = canary != null && canary.chosen(req, table.random()) ? canary.target : main;
        if (target.respond() != null) return target.respond();
        RoutePolicy p = route.policy();
        String upstream = rewrite == null ? Rewrite.withQuery(req.path(), req.query())
                : rewrite.apply(path, req.path(), req.query());
        EndpointAffinity affinity = p.affinity() != null ? p.affinity()
                : hashKey != null ? new EndpointAffinity.Hash(hashKey.evaluate(req, path),
                p.upstream() == null ? 0 : p.upstream().hashSubsetSize())
                : p.upstream() != null && p.upstream().ewma() ? EndpointAffinity.EWMA : null;
        return new Forward(target.ingress(), route.host(), route.match().path(), target.cluster(), upstream,
                certs == null ? setRequestHeaders : certs.headers(req, setRequestHeaders), responseHeaders, p.timeouts(),
                p.maxBodyBytes(), affinity, p.rateLimit(), authenticate ? externalAuth : null, p.proxyRedirect(),
                p.upstream());
    }

    private static boolean inAny(CidrBlock[] blocks, InetAddress ip) {
        for (CidrBlock b : blocks) {
            if (b.contains(ip)) return true;
        }
        return false;
    }
}
