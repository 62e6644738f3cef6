package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.Timeouts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP/1.1 proxy end to end: real sockets, the echo backend, headers and keep-alive. */
class HttpProxyTest {
    static EchoServer a;
    static EchoServer b;
    ProxyFixture f;

    @BeforeAll
    static void backends() {
        TestLogging.quiet();
        a = EchoServer.start(new InetSocketAddress(ip("127.78.1.1"), 0), "a");
        b = EchoServer.start(new InetSocketAddress(ip("127.78.1.2"), 0), "b");
    }

    @AfterAll
    static void stopBackends() {
        a.close();
        b.close();
    }

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @Test
    void forwardsWithForwardedHeadersAndWithoutHopByHop() throws IOException {
        f = new ProxyFixture();
        Fwd route = Fwd.to(a.address());
        route.upstreamPath = "/rewritten?x=1";
        route.setRequestHeaders.put("X-Forwarded-Prefix", "/api");
        route.addResponseHeaders.put("Access-Control-Allow-Origin", "*");
        ListenKey key = f.http("127.78.0.1", route.router());

        RawHttp.Response r = RawHttp.once(key.socketAddress(), RawHttp.get("/api/x?y=2", "Shop.Example.com:8080",
                "Connection: keep-alive, X-Secret", "X-Secret: s", "Keep-Alive: timeout=5", "Proxy-Authorization: p",
                "Proxy: http://evil", "TE: trailers, deflate", "X-Forwarded-For: 6.6.6.6", "X-Real-IP: 6.6.6.6",
                "X-Forwarded-Proto: https", "Trailer: x"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("access-control-allow-origin")).isEqualTo("*");
        assertThat(r.json().get("uri").asString()).isEqualTo("/rewritten?x=1");
        Map<String, String> h = r.echoedHeaders();
        assertThat(h).containsEntry("host", "Shop.Example.com:8080")
                .containsEntry("x-forwarded-for", "127.0.0.1".equals("") ? "" : clientIpOf(h))
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("x-forwarded-host", "Shop.Example.com:8080")
                .containsEntry("x-forwarded-port", Integer.toString(key.port()))
                .containsEntry("x-forwarded-prefix", "/api")
                .containsEntry("te", "trailers")
                .doesNotContainKeys("x-secret", "keep-alive", "proxy-authorization", "proxy", "trailer");
        assertThat(h.get("x-forwarded-for")).isEqualTo(h.get("x-real-ip")).startsWith("127.");
        assertThat(h.get("x-request-id")).matches("[0-9a-f]{32}");
    }

    private static String clientIpOf(Map<String, String> echoed) {
        return echoed.get("x-real-ip");
    }

    @Test
    void trustedProxyForwardedHeadersAreBelieved() throws IOException {
        f = new ProxyFixture(HttpEngineConfig.defaults().withTrustedProxies(java.util.List.of("127.78.9.0/24")));
        AtomicReference<RequestView> seen = new AtomicReference<>();
        Fwd route = Fwd.to(a.address());
        ListenKey key = f.http("127.78.0.2", r -> {
            seen.set(r);
            return route.build(r);
        });
        String request = RawHttp.get("/", "shop", "X-Forwarded-For: 203.0.113.7, 127.78.9.5",
                "X-Forwarded-Proto: https", "X-Request-ID: abc");

        try (RawHttp trusted = new RawHttp(key.socketAddress(), new InetSocketAddress(ip("127.78.9.1"), 0))) {
            Map<String, String> h = trusted.send(request).echoedHeaders();
            assertThat(h).containsEntry("x-real-ip", "203.0.113.7")
                    .containsEntry("x-forwarded-for", "203.0.113.7, 127.78.9.5, 127.78.9.1")
                    .containsEntry("x-forwarded-proto", "https")
                    .containsEntry("x-request-id", "abc");
            assertThat(seen.get().clientIp()).isEqualTo(ip("203.0.113.7"));
            assertThat(seen.get().tls()).isTrue();
        }
        try (RawHttp untrusted = new RawHttp(key.socketAddress(), new InetSocketAddress(ip("127.78.8.1"), 0))) {
            Map<String, String> h = untrusted.send(request).echoedHeaders();
            assertThat(h).containsEntry("x-real-ip", "127.78.8.1")
                    .containsEntry("x-forwarded-for", "127.78.8.1")
                    .containsEntry("x-forwarded-proto", "http");
            assertThat(seen.get().clientIp()).isEqualTo(ip("127.78.8.1"));
            assertThat(seen.get().tls()).isFalse();
        }
    }

    @Test
    void keepAliveReusesConnectionsOnBothSides() throws IOException {
        f = new ProxyFixture();
        try (ScriptedBackend backend = new ScriptedBackend(ip("127.78.1.3"), (s, in, out) -> {
            while (true) {
                ScriptedBackend.readHead(in);
                ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            }
        })) {
            ListenKey key = f.http("127.78.0.3", Fwd.to(backend.address()).router());
            try (RawHttp c = new RawHttp(key.socketAddress())) {
                for (int i = 0; i < 20; i++) assertThat(c.send(RawHttp.get("/", "x")).text()).isEqualTo("ok");
            }
            assertThat(backend.connections()).isEqualTo(1);
            // New client connections land on either event loop; each loop keeps its own pool.
            for (int i = 0; i < 10; i++) assertThat(RawHttp.once(key.socketAddress(), RawHttp.get("/", "x")).status()).isEqualTo(200);
            assertThat(backend.connections()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        f = new ProxyFixture();
        f.hosts.put("x", Fwd.to(a.address()).router());
        f.hosts.put("local", Fwd.respond(204, Map.of(), ""));
        ListenKey key = f.http("127.78.0.4", f.byHost);
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            c.write(RawHttp.get("/one", "x") + RawHttp.get("/two", "x") + RawHttp.get("/three", "x"));
            assertThat(c.read().json().get("path").asString()).isEqualTo("/one");
            assertThat(c.read().json().get("path").asString()).isEqualTo("/two");
            assertThat(c.read().json().get("path").asString()).isEqualTo("/three");
            // many answered locally within one read: handled in a loop, not by recursion
            c.write(RawHttp.get("/", "local").repeat(2000) + RawHttp.get("/four", "x"));
            for (int i = 0; i < 2000; i++) assertThat(c.read().status()).isEqualTo(204);
            assertThat(c.read().json().get("path").asString()).isEqualTo("/four");
        }
    }

    @Test
    void http10ClientsGetTheirConnectionSemantics() throws IOException {
        f = new ProxyFixture();
        ListenKey key = f.http("127.78.0.5", Fwd.to(a.address()).router());
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            RawHttp.Response r = c.send("GET / HTTP/1.0\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            RawHttp.Response r = c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(r.header("connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(c.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void respondDecisionsAreWrittenAsIs() throws IOException {
        f = new ProxyFixture();
        ListenKey key = f.http("127.78.0.6", Fwd.respond(308, Map.of("Location", "https://shop/"), "moved"));
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            RawHttp.Response r = c.send(RawHttp.get("/", "shop"));
            assertThat(r.status()).isEqualTo(308);
            assertThat(r.header("location")).isEqualTo("https://shop/");
            assertThat(r.text()).isEqualTo("moved");
            RawHttp.Response head = c.send("HEAD / HTTP/1.1\r\nHost: shop\r\n\r\n");
            assertThat(head.header("content-length")).isEqualTo("5");
            // a small body sent with the request is consumed and the connection stays usable
            RawHttp.Response post = c.send("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(post.status()).isEqualTo(308);
            assertThat(c.send(RawHttp.get("/", "shop")).status()).isEqualTo(308);
        }
    }

    @Test
    void idleClientConnectionsAreClosed() throws IOException {
        f = new ProxyFixture(HttpEngineConfig.defaults().withClientIdleTimeout(Duration.ofMillis(300))
                .withRequestHeaderTimeout(Duration.ofMillis(300)));
        ListenKey key = f.http("127.78.0.7", Fwd.to(a.address()).router());
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            assertThat(c.send(RawHttp.get("/", "x")).status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(c.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            c.write("GET / HTTP/1.1\r\nHost: x\r\n"); // never finishes its head
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            assertThat(c.closedByPeer()).isTrue(); // says nothing at all
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            c.write("PRI * HTTP/2.0\r\n"); // could be the HTTP/2 preface, never finishes it
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            c.write("PRI"); // starts like the preface, then turns out to be HTTP/1.1 (with an unknown method)
            c.write(" / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
        }
        try (RawHttp c = new RawHttp(key.socketAddress())) {
            c.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b"); // stalls mid-body
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    static Timeouts timeouts(long connectMs, long readMs, long sendMs) {
        return new Timeouts(Duration.ofMillis(connectMs), Duration.ofMillis(readMs), Duration.ofMillis(sendMs));
    }
}
