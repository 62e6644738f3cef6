package io.kubeway.state.http.routing;

import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.state.http.routing.PathMatch.prefix;
import static org.assertj.core.api.Assertions.assertThat;

/** Canary choice in ingress-nginx's order: header, cookie, weight. */
class CanaryTest {
    record Case(String name, Canary canary, int draw, FakeRequest request, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Canary canary(String header, String value, String pattern, String cookie, int weight, int total) {
        return new Canary("default/canary", Tables.svc("canary"), header, value, pattern, cookie, weight, total);
    }

    private static final FakeRequest GET = FakeRequest.get("c.example.com", "/");

    static Stream<Case> cases() {
        Canary byHeader = canary("X-Canary", null, null, null, 0, 100);
        Canary byValue = canary("X-Canary", "v2", null, null, 0, 100);
        Canary byPattern = canary("X-Canary", null, "^v[23]$", null, 0, 100);
        Canary byCookie = canary(null, null, null, "canary", 0, 100);
        Canary weighted = canary(null, null, null, null, 30, 100);
        Canary all = canary("X-Canary", null, null, "canary", 30, 100);
        return Stream.of(
                new Case("header always", byHeader, 99, GET.withHeader("X-Canary", "always"), "canary"),
                new Case("header never", byHeader, 0, GET.withHeader("X-Canary", "never"), "main"),
                new Case("header other value: ignored", byHeader, 0, GET.withHeader("X-Canary", "yes"), "main"),
                new Case("no header", byHeader, 0, GET, "main"),
                new Case("header value matches", byValue, 99, GET.withHeader("X-Canary", "v2"), "canary"),
                new Case("header value: always is just another value", byValue, 99,
                        GET.withHeader("X-Canary", "always"), "main"),
                new Case("header pattern matches", byPattern, 99, GET.withHeader("X-Canary", "v3"), "canary"),
                new Case("header pattern does not match", byPattern, 99, GET.withHeader("X-Canary", "v4"), "main"),
                new Case("cookie always", byCookie, 99, GET.withCookie("canary", "always"), "canary"),
                new Case("cookie never", byCookie, 0, GET.withCookie("canary", "never"), "main"),
                new Case("weight: draw below", weighted, 29, GET, "canary"),
                new Case("weight: draw at weight", weighted, 30, GET, "main"),
                new Case("header never beats cookie always", all, 0,
                        GET.withHeader("X-Canary", "never").withCookie("canary", "always"), "main"),
                new Case("header other value falls to cookie", all, 99,
                        GET.withHeader("X-Canary", "x").withCookie("canary", "always"), "canary"),
                new Case("cookie never beats weight", all, 0, GET.withCookie("canary", "never"), "main"),
                new Case("weight 0 never", canary(null, null, null, null, 0, 100), 0, GET, "main"),
                new Case("weight = total always", canary(null, null, null, null, 10, 10), 9, GET, "canary"),
                new Case("canary without endpoints: main serves",
                        new Canary("default/canary", Tables.empty("canary"), null, null, null, null, 100, 100), 0, GET,
                        "main"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void choice(Case c) {
        Route route = new Route("default/main", "c.example.com", prefix("/"), Tables.svc("main"), c.canary,
                RoutePolicy.DEFAULT);
        RouteTable table = new RouteTable(new RouteConfig(List.of(Tables.host("c.example.com", route)),
                Route.builtInDefault(), 443), new Decisions.FixedRandom(c.draw));
        var d = (io.kubeway.state.http.RouteDecision.Forward) table.route(c.request);
        assertThat(Tables.describe(d)).isEqualTo(c.expected);
        assertThat(d.ingress()).isEqualTo(c.expected.equals("canary") ? "default/canary" : "default/main");
    }
}
