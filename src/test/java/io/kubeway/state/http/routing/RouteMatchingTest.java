package io.kubeway.state.http.routing;

import io.kubeway.state.http.RouteDecision.Forward;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.state.http.routing.PathMatch.exact;
import static io.kubeway.state.http.routing.PathMatch.prefix;
import static io.kubeway.state.http.routing.PathMatch.regex;
import static io.kubeway.state.http.routing.Tables.describe;
import static io.kubeway.state.http.routing.Tables.host;
import static io.kubeway.state.http.routing.Tables.route;
import static org.assertj.core.api.Assertions.assertThat;

/** Host and path matching: the Ingress spec's rules, ingress-nginx's no-fall-through, default backends. */
class RouteMatchingTest {
    record Case(String name, String host, String path, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * foo.com: Exact /foo, Prefix /foo, Prefix /foo/bar/ (trailing slash), Exact /foo/bar, Prefix /app;
     * *.foo.com: Prefix /; bar.com: Prefix /api; rules without host: Prefix /any; default: the built-in 404.
     */
    private static final RouteTable SPEC = new RouteTable(new RouteConfig(List.of(
            host("foo.com",
                    route("foo.com", exact("/foo"), "foo-exact"),
                    route("foo.com", prefix("/foo"), "foo-prefix"),
                    route("foo.com", prefix("/foo/bar/"), "foobar-prefix"),
                    route("foo.com", exact("/foo/bar"), "foobar-exact"),
                    route("foo.com", prefix("/app"), "app")),
            host("*.foo.com", route("*.foo.com", prefix("/"), "wild")),
            host("bar.com", route("bar.com", prefix("/api"), "bar-api")),
            host("", route("", prefix("/any"), "any"))),
            new Route("default/dflt", "", prefix("/"), Tables.svc("default-backend"), null, RoutePolicy.DEFAULT),
            443));

    static Stream<Case> spec() {
        return Stream.of(
                new Case("exact beats prefix at equal length", "foo.com", "/foo", "foo-exact"),
                new Case("prefix with trailing slash in request", "foo.com", "/foo/", "foo-prefix"),
                new Case("prefix matches sub path", "foo.com", "/foo/baz", "foo-prefix"),
                new Case("prefix never matches /foobar", "foo.com", "/foobar", "404"),
                new Case("exact is case-sensitive", "foo.com", "/FOO", "404"),
                new Case("exact beats equal-length prefix /foo/bar/", "foo.com", "/foo/bar", "foobar-exact"),
                new Case("rule's trailing slash ignored: /foo/bar/ matches /foo/bar/x", "foo.com", "/foo/bar/x",
                        "foobar-prefix"),
                new Case("longest prefix wins", "foo.com", "/foo/bar/", "foobar-prefix"),
                new Case("element-wise: /foo/barbaz is /foo's", "foo.com", "/foo/barbaz", "foo-prefix"),
                new Case("query does not take part", "foo.com", "/app?x=/foo", "app"),
                new Case("host port ignored", "foo.com:8080", "/app", "app"),
                new Case("host case-insensitive", "FOO.com", "/app", "app"),
                new Case("trailing dot of host ignored", "foo.com.", "/app", "app"),
                new Case("no fall-through from exact host to wildcard or any", "foo.com", "/any", "404"),
                new Case("wildcard matches one label", "a.foo.com", "/x", "wild"),
                new Case("wildcard with port", "a.foo.com:443", "/x", "wild"),
                new Case("wildcard does not match two labels", "a.b.foo.com", "/any", "any"),
                new Case("wildcard does not match the bare domain", "foo.com", "/", "404"),
                new Case("other host's rule", "bar.com", "/api/v1", "bar-api"),
                new Case("bar.com no path match: its own 404", "bar.com", "/", "404"),
                new Case("unknown host: rules without host", "unknown.org", "/any/thing", "any"),
                new Case("unknown host, no path match: default backend", "unknown.org", "/other", "default-backend"),
                new Case("no host header: rules without host", "", "/any", "any"),
                new Case("normalised: dot segments", "foo.com", "/x/../foo", "foo-exact"),
                new Case("normalised: merged slashes", "foo.com", "//foo//bar/", "foobar-prefix"),
                new Case("normalised: percent-decoding", "foo.com", "/%66oo", "foo-exact"),
                new Case("malformed escape: 400", "foo.com", "/%zz", "400"),
                new Case("above the root: 400", "foo.com", "/../foo", "400"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spec")
    void specMatching(Case c) {
        assertThat(describe(SPEC.route(FakeRequest.get(c.host, c.path)))).isEqualTo(c.expected);
    }

    /** The example of ingress-nginx's docs/user-guide/ingress-path-matching.md, plus case-insensitivity. */
    private static final RouteTable REGEX = Tables.table(host("test.com",
            route("test.com", regex("/foo/bar"), "service1"),
            route("test.com", regex("/foo/bar/"), "service2"),
            route("test.com", regex("/foo/bar/(.+)"), "service3"),
            route("test.com", exact("/exact"), "exact"),
            route("test.com", prefix("/foo/bar/bar/long"), "prefix")));

    static Stream<Case> regexes() {
        return Stream.of(
                new Case("longest regex first", "test.com", "/foo/bar/1", "service3"),
                new Case("then /foo/bar/", "test.com", "/foo/bar/", "service2"),
                new Case("then /foo/bar", "test.com", "/foo/bar", "service1"),
                new Case("regex is a prefix match", "test.com", "/foo/barbaz", "service1"),
                new Case("regex is case-insensitive", "test.com", "/FOO/BAR", "service1"),
                new Case("a longer prefix path beats a shorter regex", "test.com", "/foo/bar/bar/long/x", "prefix"),
                new Case("exact stays exact next to regexes", "test.com", "/exact", "exact"),
                new Case("exact stays case-sensitive", "test.com", "/EXACT", "404"),
                new Case("no match: host's 404", "test.com", "/other", "404"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("regexes")
    void regexMatching(Case c) {
        assertThat(describe(REGEX.route(FakeRequest.get(c.host, c.path)))).isEqualTo(c.expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("spec")
    void forwardCarriesRuleHostAndPathAsWritten(Case c) {
        if (SPEC.route(FakeRequest.get(c.host, c.path)) instanceof Forward f && f.ingress().equals("default/ing")) {
            assertThat(f.host()).isIn("foo.com", "*.foo.com", "bar.com", "");
            assertThat(f.path()).startsWith("/");
            assertThat(f.upstreamPath()).isEqualTo(c.path);
        }
    }
}
