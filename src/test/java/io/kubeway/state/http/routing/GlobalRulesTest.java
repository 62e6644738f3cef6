package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kubeway.state.http.routing.Tables.describe;
import static io.kubeway.state.http.routing.Tables.host;
import static io.kubeway.state.http.routing.Tables.route;
import static io.kubeway.state.http.routing.Tables.tlsHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The controller ConfigMap's rules for every request: block-*, fail closed, HSTS on TLS hosts only. */
class GlobalRulesTest {
    private static RouteTable table(GlobalRules rules) {
        return new RouteTable(new RouteConfig(List.of(host("a.example.com", route("a.example.com",
                PathMatch.prefix("/"), "web")), tlsHost("s.example.com", route("s.example.com", PathMatch.prefix("/"),
                "secure"))), Route.builtInDefault(), 443, rules));
    }

    @Test
    void blocksComeBeforeAnyRouteAndTheDefaultBackend() {
        RouteTable t = table(new GlobalRules(null, List.of("203.0.113.0/24"), List.of("~*bot", "Exact/1.0"),
                List.of("~^https?://spam\\."), null));
        FakeRequest ok = FakeRequest.get("a.example.com", "/").withClient("192.0.2.1");
        assertThat(describe(t.route(ok))).isEqualTo("web");
        assertThat(describe(t.route(ok.withClient("203.0.113.5")))).isEqualTo("403");
        assertThat(describe(t.route(ok.withHost("nobody.example.com").withClient("203.0.113.5")))).isEqualTo("403");
        assertThat(describe(t.route(ok.withHeader("User-Agent", "GoogleBOT/2")))).isEqualTo("403");
        assertThat(describe(t.route(ok.withHeader("User-Agent", "exact/1.0")))).isEqualTo("403");
        assertThat(describe(t.route(ok.withHeader("User-Agent", "Exact/1.0 more")))).isEqualTo("web");
        assertThat(describe(t.route(ok.withHeader("Referer", "http://spam.example/")))).isEqualTo("403");
        assertThat(describe(t.route(ok.withHeader("Referer", "HTTP://SPAM.example/")))).as("~ is case-sensitive")
                .isEqualTo("web");
    }

    @Test
    void deniedClosesEverything() {
        RouteTable t = table(new GlobalRules("block-cidrs cannot be honoured", List.of(), List.of(), List.of(), null));
        assertThat(describe(t.route(FakeRequest.get("a.example.com", "/")))).isEqualTo("503");
        assertThat(describe(t.route(FakeRequest.get("x.example.com", "/")))).isEqualTo("503");
    }

    @Test
    void hstsOnlyOverTlsForTlsHosts() {
        RouteTable t = table(new GlobalRules(null, List.of(), List.of(), List.of(), "max-age=10"));
        RouteDecision.Forward tls = (RouteDecision.Forward) t.route(FakeRequest.get("s.example.com", "/").overTls());
        assertThat(tls.addResponseHeaders()).containsEntry("Strict-Transport-Security", "max-age=10");
        RouteDecision.Forward noTlsHost = (RouteDecision.Forward) t.route(FakeRequest.get("a.example.com", "/")
                .overTls());
        assertThat(noTlsHost.addResponseHeaders()).isEmpty();
        assertThat(table(GlobalRules.NONE).route(FakeRequest.get("s.example.com", "/").overTls()))
                .isInstanceOfSatisfying(RouteDecision.Forward.class, f -> assertThat(f.addResponseHeaders()).isEmpty());
    }

    @Test
    void badPatternsAreRefusedAtConstruction() {
        assertThatThrownBy(() -> new GlobalRules(null, List.of(), List.of("~*(open"), List.of(), null))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> new GlobalRules(null, List.of("10.0.0.0/33"), List.of(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
