package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RouteDecision.EndpointAffinity;
import io.kubeway.state.http.RouteDecision.RateLimit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** Sticky sessions and rate limits through real connections. */
class AffinityAndLimitsTest {
    static EchoServer a;
    static EchoServer b;
    static EchoServer c;
    static ProxyFixture f;
    static ListenKey key;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        a = EchoServer.start(new InetSocketAddress(ip("127.80.1.1"), 0), "a");
        b = EchoServer.start(new InetSocketAddress(ip("127.80.1.2"), 0), "b");
        c = EchoServer.start(new InetSocketAddress(ip("127.80.1.3"), 0), "c");
        f = new ProxyFixture();
        key = f.http("127.80.0.1", f.byHost);
    }

    @AfterAll
    static void stop() {
        f.close();
        a.close();
        b.close();
        c.close();
    }

    static EndpointAffinity.Cookie persistent(boolean changeOnFailure) {
        return new EndpointAffinity.Cookie("INGRESSCOOKIE", "/", 0, 0, null, null, false, false, changeOnFailure,
                EndpointAffinity.Cookie.Mode.PERSISTENT);
    }

    @Test
    void cookieAffinityKeepsAClientOnItsBackend() throws IOException {
        Fwd route = Fwd.to(a.address(), b.address(), c.address());
        route.affinity = persistent(false);
        f.hosts.put("sticky", route.router());
        RawHttp.Response first = RawHttp.once(key.socketAddress(), RawHttp.get("/", "sticky"));
        String setCookie = first.header("set-cookie");
        assertThat(setCookie).matches("INGRESSCOOKIE=[0-9a-f]{16}; Path=/; HttpOnly");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = first.json().get("backend").asString();
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/", "sticky", "Cookie: " + cookie));
            assertThat(r.json().get("backend").asString()).isEqualTo(backend);
            assertThat(r.header("set-cookie")).isNull();
            assertThat(r.echoedHeaders()).containsEntry("cookie", cookie); // passed on to the backend
        }
        // without the cookie round robin goes on
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 6; i++) seen.add(RawHttp.once(key.socketAddress(), RawHttp.get("/", "sticky")).json().get("backend").asString());
        assertThat(seen).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void balancedCookieKeepsAClientOnItsBackendWithEveryAttribute() throws IOException {
        Fwd route = Fwd.to(a.address(), b.address(), c.address());
        route.affinity = new EndpointAffinity.Cookie("SESSION", "/app", 60, 3600, "sticky.example.com",
                EndpointAffinity.Cookie.SameSite.NONE, true, true, false, EndpointAffinity.Cookie.Mode.BALANCED);
        f.hosts.put("balanced", route.router());
        String expires = java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
                java.util.Locale.US).withZone(java.time.ZoneOffset.UTC).format(f.clock.instant().plusSeconds(3600));
        String modern = "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/120.0.0.0 Safari/537.36";
        String old = "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X) AppleWebKit/602.1.50 "
                + "(KHTML, like Gecko) CriOS/56.0.2924.75 Mobile/14E5239e Safari/602.1";
        RawHttp.Response first = RawHttp.once(key.socketAddress(), RawHttp.get("/app", "balanced", modern));
        String setCookie = first.header("set-cookie");
        String attributes = "; Expires=" + expires + "; Max-Age=60; Domain=sticky.example.com; Path=/app; Secure; "
                + "HttpOnly";
        assertThat(setCookie).matches("SESSION=[0-9a-f]{16}" + java.util.regex.Pattern.quote(attributes
                + "; SameSite=None"));
        assertThat(RawHttp.once(key.socketAddress(), RawHttp.get("/app", "balanced", old)).header("set-cookie"))
                .as("SameSite=None left out for a user agent that rejects it")
                .matches("SESSION=[0-9a-f]{16}" + java.util.regex.Pattern.quote(attributes));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = first.json().get("backend").asString();
        for (int i = 0; i < 6; i++) {
            RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/app", "balanced", "Cookie: " + cookie));
            assertThat(r.json().get("backend").asString()).isEqualTo(backend);
            assertThat(r.header("set-cookie")).isNull();
        }
    }

    @Test
    void aFailedCookieEndpointFailsTheRequestUnlessChangeOnFailure() throws IOException {
        // An endpoint nobody listens on: connects are refused at once.
        InetSocketAddress dead = new InetSocketAddress(ip("127.80.1.99"), a.address().getPort());
        String setCookie = "INGRESSCOOKIE=" + EndpointIds.cookieValue(io.kubeway.dataplane.proxy.TestNet.endpoint(dead));
        String cookie = "Cookie: " + setCookie; // a session the dead endpoint held

        for (boolean change : new boolean[]{false, true}) {
            Fwd route = Fwd.to(dead, b.address());
            route.affinity = persistent(change);
            f.hosts.put("dying", route.router());
            RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/", "dying", cookie));
            if (!change) {
                assertThat(r.status()).as("the cookie's endpoint failed: no other is tried").isEqualTo(502);
                assertThat(r.header("set-cookie")).isNull();
            } else {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().get("backend").asString()).isEqualTo("b");
                String renewed = r.header("set-cookie");
                assertThat(renewed).matches("INGRESSCOOKIE=[0-9a-f]{16}; Path=/; HttpOnly").doesNotStartWith(setCookie);
                RawHttp.Response again = RawHttp.once(key.socketAddress(), RawHttp.get("/", "dying",
                        "Cookie: " + renewed.substring(0, renewed.indexOf(';'))));
                assertThat(again.json().get("backend").asString()).isEqualTo("b");
                assertThat(again.header("set-cookie")).isNull();
            }
        }
    }

    @Test
    void hashAffinityKeepsAKeyOnItsBackend() throws IOException {
        f.hosts.put("hashed", r -> {
            Fwd route = Fwd.to(a.address(), b.address(), c.address());
            route.affinity = new EndpointAffinity.Hash(r.header("X-User"));
            return route.build(r);
        });
        Set<String> backends = new HashSet<>();
        for (int u = 0; u < 12; u++) {
            String first = null;
            for (int i = 0; i < 4; i++) {
                String got = RawHttp.once(key.socketAddress(), RawHttp.get("/", "hashed", "X-User: user" + u))
                        .json().get("backend").asString();
                if (first == null) first = got;
                assertThat(got).isEqualTo(first);
            }
            backends.add(first);
        }
        assertThat(backends).hasSizeGreaterThan(1);
    }

    @Test
    void requestRateAndConcurrencyLimitsAnswer503() throws Exception {
        Fwd limited = Fwd.to(a.address());
        limited.rateLimit = new RateLimit("demo/limited", 1, 3, 0, List.of());
        f.hosts.put("limited", limited.router());
        try (RawHttp client = new RawHttp(key.socketAddress())) {
            for (int i = 0; i < 3; i++) assertThat(client.send(RawHttp.get("/", "limited")).status()).isEqualTo(200);
            assertThat(client.send(RawHttp.get("/", "limited")).status()).isEqualTo(503);
            f.clock.advance(Duration.ofSeconds(1));
            assertThat(client.send(RawHttp.get("/", "limited")).status()).isEqualTo(200);
        }

        Fwd perMinute = Fwd.to(a.address());
        perMinute.rateLimit = new RateLimit("demo/per-minute", 0, 0, 0, List.of(), 2, 2);
        f.hosts.put("per-minute", perMinute.router());
        try (RawHttp client = new RawHttp(key.socketAddress())) {
            for (int i = 0; i < 2; i++) assertThat(client.send(RawHttp.get("/", "per-minute")).status()).isEqualTo(200);
            assertThat(client.send(RawHttp.get("/", "per-minute")).status()).isEqualTo(503);
            f.clock.advance(Duration.ofSeconds(30)); // limit-rpm 2: one request back every 30 s
            assertThat(client.send(RawHttp.get("/", "per-minute")).status()).isEqualTo(200);
            assertThat(client.send(RawHttp.get("/", "per-minute")).status()).isEqualTo(503);
        }

        CountDownLatch inBackend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedBackend slow = new ScriptedBackend(ip("127.80.1.9"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            inBackend.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        })) {
            Fwd one = Fwd.to(slow.address());
            one.rateLimit = new RateLimit("demo/one", 0, 0, 1, List.of());
            f.hosts.put("one", one.router());
            try (RawHttp first = new RawHttp(key.socketAddress())) {
                first.write(RawHttp.get("/", "one"));
                assertThat(inBackend.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(RawHttp.once(key.socketAddress(), RawHttp.get("/", "one")).status()).isEqualTo(503);
                release.countDown();
                assertThat(first.read().status()).isEqualTo(200);
            }
        }
    }
}
