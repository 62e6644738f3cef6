package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.RateLimit;
import io.kubeway.state.http.Timeouts;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.kubeway.state.http.routing.PathMatch.exact;
import static io.kubeway.state.http.routing.PathMatch.prefix;
import static io.kubeway.state.http.routing.PathMatch.regex;
import static org.assertj.core.api.Assertions.assertThat;

/** Each policy field's effect on the decision, one route at a time. */
class PolicyDecisionTest {
    record Case(String name, PathMatch match, UnaryOperator<RoutePolicy.Builder> policy, boolean hostTls,
                FakeRequest request, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String CORS_ANY = "{Access-Control-Allow-Credentials=true, "
            + "Access-Control-Allow-Headers=" + Cors.DEFAULT_HEADERS + ", Access-Control-Allow-Methods="
            + Cors.DEFAULT_METHODS + ", Access-Control-Allow-Origin=*, Access-Control-Max-Age=1728000";

    private static FakeRequest get(String pathAndQuery) {
        return FakeRequest.get("app.example.com", pathAndQuery);
    }

    private static Case c(String name, UnaryOperator<RoutePolicy.Builder> policy, FakeRequest req, String expected) {
        return new Case(name, prefix("/"), policy, false, req, expected);
    }

    static Stream<Case> cases() {
        Cors specific = new Cors(List.of("https://a.example.com", "https://*.b.example.com"), "GET", "X-A", false,
                "X-Exp", 60);
        return Stream.of(
                c("defaults: forward as received", p -> p, get("/x/y?q=1"), "fwd web /x/y?q=1"),
                c("deny list: 403", p -> p.denySourceRanges(List.of("192.0.2.0/24")), get("/"), "403"),
                c("deny list, other client", p -> p.denySourceRanges(List.of("192.0.2.0/24")),
                        get("/").withClient("198.51.100.1"), "fwd web /"),
                c("allow list, client outside: 403", p -> p.allowSourceRanges(List.of("10.0.0.0/8")), get("/"), "403"),
                c("allow list, client inside", p -> p.allowSourceRanges(List.of("10.0.0.0/8")),
                        get("/").withClient("10.2.3.4"), "fwd web /"),
                c("deny wins over allow", p -> p.allowSourceRanges(List.of("10.0.0.0/8"))
                        .denySourceRanges(List.of("10.2.0.0/16")), get("/").withClient("10.2.3.4"), "403"),
                c("IPv6 client against IPv4 allow list: 403", p -> p.allowSourceRanges(List.of("10.0.0.0/8")),
                        get("/").withClient("2001:db8::1"), "403"),
                c("permanent redirect", p -> p.redirect(new Redirect(301, "https://new.example.com/")), get("/x"),
                        "301 {Location=https://new.example.com/}"),
                c("source range checked before redirect", p -> p.redirect(new Redirect(302, "https://n/"))
                        .allowSourceRanges(List.of("10.0.0.0/8")), get("/"), "403"),
                c("CORS any origin: preflight 204", p -> p.cors(Cors.DEFAULT), get("/").withMethod("OPTIONS"),
                        "204 " + CORS_ANY + ", Content-Type=text/plain charset=UTF-8}"),
                c("CORS any origin: headers added to responses", p -> p.cors(Cors.DEFAULT), get("/"),
                        "fwd web / add=" + CORS_ANY + "}"),
                c("CORS listed origin echoed", p -> p.cors(specific),
                        get("/").withHeader("Origin", "https://a.example.com"),
                        "fwd web / add={Access-Control-Allow-Headers=X-A, Access-Control-Allow-Methods=GET, "
                                + "Access-Control-Allow-Origin=https://a.example.com, "
                                + "Access-Control-Expose-Headers=X-Exp, Access-Control-Max-Age=60}"),
                c("CORS wildcard origin: one label", p -> p.cors(specific).sslRedirect(false),
                        get("/").withMethod("OPTIONS").withHeader("Origin", "https://x-1.b.example.com"),
                        "204 {Access-Control-Allow-Headers=X-A, Access-Control-Allow-Methods=GET, "
                                + "Access-Control-Allow-Origin=https://x-1.b.example.com, "
                                + "Access-Control-Expose-Headers=X-Exp, Access-Control-Max-Age=60, "
                                + "Content-Type=text/plain charset=UTF-8}"),
                c("CORS wildcard origin: not two labels", p -> p.cors(specific),
                        get("/").withMethod("OPTIONS").withHeader("Origin", "https://x.y.b.example.com"), "fwd web /"),
                c("CORS unlisted origin: proxied untouched", p -> p.cors(specific),
                        get("/").withHeader("Origin", "https://evil.com"), "fwd web /"),
                c("CORS without Origin: OPTIONS proxied", p -> p.cors(specific), get("/").withMethod("OPTIONS"),
                        "fwd web /"),
                new Case("TLS host: HTTP redirected with 308", prefix("/"), p -> p, true, get("/a?b=c"),
                        "308 {Location=https://app.example.com/a?b=c}"),
                new Case("TLS host over TLS: forwarded", prefix("/"), p -> p, true, get("/a").overTls(), "fwd web /a"),
                new Case("ssl-redirect false", prefix("/"), p -> p.sslRedirect(false), true, get("/a"), "fwd web /a"),
                c("no TLS: no redirect", p -> p, get("/a"), "fwd web /a"),
                c("force-ssl-redirect without TLS", p -> p.forceSslRedirect(true), get("/a"),
                        "308 {Location=https://app.example.com/a}"),
                new Case("ACME challenges stay on HTTP", prefix("/.well-known/acme-challenge"), p -> p, true,
                        get("/.well-known/acme-challenge/t"), "fwd web /.well-known/acme-challenge/t"),
                new Case("rewrite with capture groups", regex("/api(/|$)(.*)"), p -> p.rewriteTarget("/$2"), false,
                        get("/api/v1/users?x=1"), "fwd web /v1/users?x=1"),
                new Case("rewrite: empty capture", regex("/api(/|$)(.*)"), p -> p.rewriteTarget("/$2"), false,
                        get("/api"), "fwd web /"),
                new Case("rewrite: capture is case-insensitive", regex("/api(/|$)(.*)"), p -> p.rewriteTarget("/$2"),
                        false, get("/API/x"), "fwd web /x"),
                new Case("rewrite without groups replaces the whole path", regex("/old"), p -> p.rewriteTarget("/"),
                        false, get("/old/page"), "fwd web /"),
                new Case("rewrite with own args keeps the original after &", regex("/s/(.*)"),
                        p -> p.rewriteTarget("/search?q=$1"), false, get("/s/cats?page=2"),
                        "fwd web /search?q=cats&page=2"),
                new Case("rewrite ending in ? drops the args", regex("/s/(.*)"), p -> p.rewriteTarget("/$1?"), false,
                        get("/s/x?page=2"), "fwd web /x"),
                new Case("rewrite re-encodes decoded characters", regex("/f/(.*)"), p -> p.rewriteTarget("/$1"),
                        false, get("/f/a%20b"), "fwd web /a%20b"),
                new Case("rewrite on an exact path", exact("/login"), p -> p.rewriteTarget("/auth/login"), false,
                        get("/login"), "fwd web /auth/login"),
                c("x-forwarded-prefix", p -> p.xForwardedPrefix("/api"), get("/"),
                        "fwd web / set={X-Forwarded-Prefix=/api}"),
                c("body size and timeouts", p -> p.maxBodyBytes(8L << 20).timeouts(new Timeouts(
                        Duration.ofSeconds(2), Duration.ofSeconds(300), Duration.ofSeconds(30))), get("/"),
                        "fwd web / timeouts=2/300/30 max=8388608"),
                c("affinity cookie", p -> p.affinity(new EndpointAffinity.Cookie("route", "/", 3600)), get("/"),
                        "fwd web / cookie=route,/,3600"),
                c("hash by request uri", p -> p.hashBy("$request_uri"), get("/p?q=1"), "fwd web /p?q=1 hash=/p?q=1"),
                c("hash by header and cookie", p -> p.hashBy("$http_x_user-$cookie_sid"),
                        get("/").withHeader("X-User", "u1").withCookie("sid", "s9"), "fwd web / hash=u1-s9"),
                c("rate limit passed on", p -> p.rateLimit(new RateLimit("default/ing", 10, 50, 5,
                        List.of("10.0.0.0/8"))), get("/"), "fwd web / limit=default/ing,10,50,5,[10.0.0.0/8]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decision(Case c) {
        Route route = new Route("default/ing", "app.example.com", c.match, Tables.svc("web"), null,
                c.policy.apply(RoutePolicy.builder()).build());
        VirtualHost host = new VirtualHost("app.example.com", c.hostTls, null, List.of(route), Route.builtInDefault());
        RouteTable table = new RouteTable(new RouteConfig(List.of(host), Route.builtInDefault(), 443));
        assertThat(Decisions.render(table.route(c.request))).isEqualTo(c.expected);
    }
}
