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

    @Test
    void cookieAffinityKeepsAClientOnItsBackend() throws IOException {
        Fwd route = Fwd.to(a.address(), b.address(), c.address());
        route.affinity = new EndpointAffinity.Cookie("INGRESSCOOKIE", "/", 0);
        f.hosts.put("sticky", route.router());
        RawHttp.Response first = RawHttp.once(key.socketAddress(), RawHttp.get("/", "sticky"));
        String setCookie = first.header("set-cookie");
        assertThat(setCookie).startsWith("INGRESSCOOKIE=").endsWith("; Path=/; HttpOnly");
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
