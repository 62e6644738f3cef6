package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision.Respond;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.kubeway.state.http.routing.PathMatch.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table-level behaviour: default backends, app-root, redirects to a non-443 port, 503s, equality. */
class RouteTableTest {
    @Test
    void emptyTableAnswersTheBuiltIn404() {
        Respond r = (Respond) RouteTable.empty().route(FakeRequest.get("x", "/"));
        assertThat(r).isEqualTo(new Respond("-", 404, java.util.Map.of(), "default backend - 404"));
    }

    @Test
    void namesEveryIngressItHoldsRules() {
        Route web = new Route("default/web", "a.com", prefix("/"), Tables.empty("web"), null, RoutePolicy.DEFAULT);
        Route api = new Route("team/api", "b.com", prefix("/api"), Tables.empty("api"), null, RoutePolicy.DEFAULT);
        VirtualHost a = new VirtualHost("a.com", false, new VirtualHost.AppRoot("default/root", "/app"), List.of(web),
                Route.builtInDefault());
        RouteTable t = new RouteTable(new RouteConfig(List.of(a, Tables.host("b.com", api)), Route.builtInDefault(), 443));
        assertThat(t.ingresses()).contains("default/web", "team/api", "default/root")
                .doesNotContain("default/gone");
    }

    @Test
    void serviceWithoutEndpointsAnswers503() {
        Route route = new Route("default/ing", "a", prefix("/"), Tables.empty("web"), null, RoutePolicy.DEFAULT);
        Respond r = (Respond) Tables.table(Tables.host("a", route)).route(FakeRequest.get("a", "/"));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.ingress()).isEqualTo("default/ing");
    }

    @Test
    void unavailableBackendAnswers503WithoutLeakingTheReason() {
        Route route = new Route("default/ing", "a", prefix("/"), new Backend.Unavailable("service \"x\" not found"),
                null, RoutePolicy.DEFAULT);
        Respond r = (Respond) Tables.table(Tables.host("a", route)).route(FakeRequest.get("a", "/"));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).doesNotContain("not found");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "a.com:8080 | false | / | 302 {Location=http://a.com:8080/app}",
            "a.com      | true  | / | 302 {Location=https://a.com/app}",
            "a.com      | false | /x | fwd web /x",
    })
    void appRootRedirectsOnlySlash(String hostHeader, boolean tls, String path, String expected) {
        VirtualHost vh = new VirtualHost("a.com", false, new VirtualHost.AppRoot("default/ing", "/app"),
                List.of(Tables.route("a.com", prefix("/"), "web")), Route.builtInDefault());
        FakeRequest req = FakeRequest.get(RouteTable.hostKey(hostHeader), path).withHeader("Host", hostHeader);
        assertThat(Decisions.render(Tables.table(vh).route(tls ? req.overTls() : req))).isEqualTo(expected);
    }

    @Test
    void httpsRedirectNamesTheHttpsPortUnless443() {
        RouteTable t = new RouteTable(new RouteConfig(List.of(Tables.tlsHost("a.com",
                Tables.route("a.com", prefix("/"), "web"))), Route.builtInDefault(), 8443));
        assertThat(Decisions.render(t.route(FakeRequest.get("a.com", "/p?q")))).isEqualTo(
                "308 {Location=https://a.com:8443/p?q}");
    }

    @Test
    void hostFallbackCarriesItsPolicy() {
        Route fallback = new Route("default/ing", "a.com", prefix("/"), Tables.svc("dflt"), null, RoutePolicy.DEFAULT);
        VirtualHost vh = new VirtualHost("a.com", true, null, List.of(Tables.route("a.com", prefix("/api"), "api")),
                fallback);
        RouteTable t = Tables.table(vh);
        assertThat(Decisions.render(t.route(FakeRequest.get("a.com", "/other")))).startsWith("308");
        assertThat(Decisions.render(t.route(FakeRequest.get("a.com", "/other").overTls())))
                .isEqualTo("fwd dflt /other");
    }

    @Test
    void firstOfTwoIdenticalPathsWins() {
        RouteTable t = Tables.table(Tables.host("a", Tables.route("a", prefix("/x"), "first"),
                Tables.route("a", prefix("/x/"), "second")));
        assertThat(Tables.describe(t.route(FakeRequest.get("a", "/x/y")))).isEqualTo("first");
    }

    @Test
    void equalByContentSoAnUnchangedTableIsNotSwapped() {
        RouteTable a = Tables.table(Tables.host("a", Tables.route("a", PathMatch.regex("/x(.*)"), "web")));
        RouteTable b = Tables.table(Tables.host("a", Tables.route("a", PathMatch.regex("/x(.*)"), "web")));
        RouteTable c = Tables.table(Tables.host("a", Tables.route("a", PathMatch.regex("/y(.*)"), "web")));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    }

    @Test
    void invalidConfigurationIsRejectedAtConstruction() {
        assertThatThrownBy(() -> PathMatch.regex("/a(")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid regular expression \"/a(\"");
        assertThatThrownBy(() -> RoutePolicy.builder().allowSourceRanges(List.of("10.0.0.0/33")).build())
                .hasMessage("invalid CIDR address: 10.0.0.0/33");
        assertThatThrownBy(() -> RoutePolicy.builder().hashBy("$nope").build())
                .hasMessage("unsupported nginx variable $nope");
        assertThatThrownBy(() -> new RouteConfig(List.of(Tables.host("a"), Tables.host("a")),
                Route.builtInDefault(), 443)).hasMessage("duplicate host \"a\"");
    }

    @Test
    void dumpIsStableAndComplete() {
        RouteTable t = new RouteTable(new RouteConfig(List.of(
                Tables.host("", Tables.route("", prefix("/"), "any")),
                Tables.host("*.b.com", Tables.route("*.b.com", prefix("/"), "wild")),
                Tables.tlsHost("a.com", Tables.route("a.com", prefix("/x"), "web", p -> p.rewriteTarget("/")),
                        Tables.route("a.com", PathMatch.exact("/x/long"), "exact"))),
                Route.builtInDefault(), 8443));
        assertThat(t.dump()).isEqualTo("""
                host a.com tls
                  Exact /x/long -> default/exact:80 [10.1.0.1:8080 default/exact-pod] (default/ing)
                  Prefix /x -> default/web:80 [10.1.0.1:8080 default/web-pod] (default/ing)
                    rewrite=/
                  fallback -> 404 default backend (-)
                host *.b.com
                  Prefix / -> default/wild:80 [10.1.0.1:8080 default/wild-pod] (default/ing)
                  fallback -> 404 default backend (-)
                host (any)
                  Prefix / -> default/any:80 [10.1.0.1:8080 default/any-pod] (default/ing)
                default -> 404 default backend (-)
                https-port 8443
                """);
    }
}
