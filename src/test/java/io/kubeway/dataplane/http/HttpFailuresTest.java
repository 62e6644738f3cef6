package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.TestNet;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refused requests, body limits, and what clients get when backends fail: real sockets on both sides. */
class HttpFailuresTest {
    static EchoServer echo;
    static ProxyFixture f;
    static ListenKey plain;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        echo = EchoServer.start(new InetSocketAddress(ip("127.79.1.1"), 0), "echo");
        f = new ProxyFixture(HttpEngineConfig.defaults().withLimits(2048, 512));
        f.hosts.put("x", Fwd.to(echo.address()).router());
        plain = f.http("127.79.0.1", f.byHost);
    }

    @AfterAll
    static void stop() {
        f.close();
        echo.close();
    }

    record Case(String name, String request, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> refused() {
        String big = "x".repeat(3000);
        return Stream.of(
                new Case("content-length and transfer-encoding", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
                new Case("two content-lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
                new Case("repeated equal content-length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
                new Case("content-length list", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc", 400),
                new Case("signed content-length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400),
                new Case("transfer-encoding gzip", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
                new Case("transfer-encoding gzip, chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + "3\r\nabc\r\n0\r\n\r\n", 400),
                new Case("chunked twice", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
                        + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400),
                new Case("space before colon", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
                new Case("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400),
                new Case("no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
                new Case("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
                new Case("asterisk target", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("CONNECT", "CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n", 405),
                new Case("request line too long", "GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                new Case("headers too large", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 431),
                new Case("NUL in the target", "GET /x\0y HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("NUL ending the target", "GET /admin\0 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("SOH in the target", "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("ESC in the query", "GET /a?b=\u001b[31m HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("DEL in the target", "GET /a\u007fb HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("byte 0x80 in the target", "GET /a\u0080 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("byte 0xff in the target", "GET /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("NUL in an absolute target", "GET http://x/a\0 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                new Case("HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                new Case("HTTP/3.0 on an HTTP/1 connection", "GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void malformedOrAmbiguousRequestsAreRefusedAndTheConnectionClosed(Case c) throws IOException {
        try (RawHttp client = new RawHttp(plain.socketAddress())) {
            RawHttp.Response r = client.send(c.request);
            assertThat(r.status()).isEqualTo(c.status);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void controlBytesInTheTargetNeverReachTheBackend() throws IOException {
        try (ScriptedBackend backend = new ScriptedBackend(ip("127.79.1.3"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        })) {
            f.hosts.put("ctl", Fwd.to(backend.address()).router());
            for (String target : new String[] {"/x\0y", "/admin\0", "/a\u001fb", "/\u00e9t\u00e9"}) {
                assertThat(RawHttp.once(plain.socketAddress(), "GET " + target + " HTTP/1.1\r\nHost: ctl\r\n\r\n").status())
                        .as(target).isEqualTo(400);
            }
            assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/fine%00", "ctl")).status()).isEqualTo(200);
            assertThat(backend.connections()).as("only the percent-encoded request was forwarded").isEqualTo(1);
        }
    }

    @Test
    void headerNamesWithUnderscoresAreDropped() throws IOException {
        RawHttp.Response r = RawHttp.once(plain.socketAddress(), "GET / HTTP/1.1\r\nHost: x\r\nX_Api_Key: evil\r\n"
                + "Transfer_Encoding: chunked\r\nX-Kept: yes\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.echoedHeaders()).containsEntry("x-kept", "yes")
                .doesNotContainKeys("x_api_key", "transfer_encoding", "transfer-encoding");
    }

    @Test
    void trailersLoseUnderscoreNamesAndFieldsThatMustNotBeThere() throws Exception {
        java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
        try (ScriptedBackend backend = new ScriptedBackend(ip("127.79.1.4"), (s, in, out) -> {
            StringBuilder b = new StringBuilder(ScriptedBackend.readHead(in));
            while (!b.toString().endsWith("0\r\n") ) b.append((char) in.read()); // the body: one chunk, then the last
            b.append(ScriptedBackend.readHead(in)); // the trailers, up to the blank line
            seen.complete(b.toString());
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        })) {
            f.hosts.put("trailers", Fwd.to(backend.address()).router());
            RawHttp.Response r = RawHttp.once(plain.socketAddress(), "POST / HTTP/1.1\r\nHost: trailers\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX_Sig: evil\r\nX-Sig: good\r\nHost: admin\r\n"
                    + "X-Forwarded-For: 10.0.0.1\r\nAuthorization: Basic eA==\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            String body = seen.get(5, java.util.concurrent.TimeUnit.SECONDS);
            String trailers = body.substring(body.indexOf("0\r\n"));
            assertThat(trailers).contains("X-Sig: good").doesNotContain("X_Sig", "Host", "X-Forwarded-For", "Authorization");
        }
    }

    @Test
    void bodyOverTheLimitGets413ByLengthOrWhileStreaming() throws IOException {
        Fwd route = Fwd.to(echo.address());
        route.maxBodyBytes = 1000;
        f.hosts.put("limited", route.router());
        ListenKey key = plain;
        assertThat(RawHttp.once(key.socketAddress(), "POST / HTTP/1.1\r\nHost: limited\r\nContent-Length: 1001\r\n\r\n").status())
                .isEqualTo(413);
        String small = "3e8\r\n" + "a".repeat(1000) + "\r\n1\r\nb\r\n0\r\n\r\n";
        assertThat(RawHttp.once(key.socketAddress(), "POST / HTTP/1.1\r\nHost: limited\r\nTransfer-Encoding: chunked\r\n\r\n" + small)
                .status()).isEqualTo(413);
        try (RawHttp client = new RawHttp(key.socketAddress())) {
            client.write("POST / HTTP/1.1\r\nHost: limited\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 5; i++) client.write("200\r\n" + "a".repeat(512) + "\r\n");
            assertThat(client.read().status()).isEqualTo(413);
        }
        // within the limit: passes
        RawHttp.Response ok = RawHttp.once(key.socketAddress(), "POST / HTTP/1.1\r\nHost: limited\r\nContent-Length: 1000\r\n\r\n"
                + "a".repeat(1000));
        assertThat(ok.status()).isEqualTo(200);
    }

    @Test
    void noEndpointsIs503AndRefusedConnectionsAre502AfterTryingEveryEndpoint() throws IOException {
        f.hosts.put("none", Fwd.to().router());
        assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/", "none")).status()).isEqualTo(503);

        InetSocketAddress dead1 = new InetSocketAddress(ip("127.79.3.1"), TestNet.freePort(ip("127.79.3.1")));
        InetSocketAddress dead2 = new InetSocketAddress(ip("127.79.3.2"), TestNet.freePort(ip("127.79.3.2")));
        f.hosts.put("dead", Fwd.to(dead1, dead2).router());
        assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/", "dead")).status()).isEqualTo(502);

        f.hosts.put("onedead", Fwd.to(dead1, echo.address(), dead2).router());
        try (RawHttp client = new RawHttp(plain.socketAddress())) {
            for (int i = 0; i < 9; i++) assertThat(client.send(RawHttp.get("/", "onedead")).status()).isEqualTo(200);
        }
    }

    @Test
    void silentBackendGets504AfterTheReadTimeout() throws IOException {
        try (ScriptedBackend silent = new ScriptedBackend(ip("127.79.1.2"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            in.read(); // hold the connection, answer nothing
        })) {
            Fwd route = Fwd.to(silent.address()).readTimeout(Duration.ofMillis(300));
            f.hosts.put("silent", route.router());
            long start = System.nanoTime();
            assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/", "silent")).status()).isEqualTo(504);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }

    @Test
    void backendClosingBeforeItsResponseIs502AndMidBodyCutsTheClientOff() throws IOException {
        try (ScriptedBackend early = new ScriptedBackend(ip("127.79.1.3"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-"); // half a head, then close
        }); ScriptedBackend truncating = new ScriptedBackend(ip("127.79.1.4"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
        })) {
            f.hosts.put("early", Fwd.to(early.address()).router());
            assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/", "early")).status()).isEqualTo(502);
            f.hosts.put("truncating", Fwd.to(truncating.address()).router());
            assertThatThrownBy(() -> RawHttp.once(plain.socketAddress(), RawHttp.get("/", "truncating")))
                    .isInstanceOf(IOException.class).hasMessageContaining("closed after 10 of 100");
        }
    }

    @Test
    void responsesWithoutLengthAreChunkedForHttp11Clients() throws IOException {
        try (ScriptedBackend untilClose = new ScriptedBackend(ip("127.79.1.5"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil close");
        })) {
            f.hosts.put("untilclose", Fwd.to(untilClose.address()).router());
            try (RawHttp client = new RawHttp(plain.socketAddress())) {
                RawHttp.Response r = client.send(RawHttp.get("/", "untilclose"));
                assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
                assertThat(r.text()).isEqualTo("until close");
                assertThat(client.send(RawHttp.get("/", "untilclose")).text()).isEqualTo("until close"); // still keep-alive
            }
            assertThat(untilClose.connections()).isEqualTo(2);
        }
    }

    @Test
    void connectionsWithUnfinishedExchangesAreNeverReused() throws Exception {
        // The backend answers before reading the request body: the rest of the body would be read as a request.
        try (ScriptedBackend early = new ScriptedBackend(ip("127.79.1.6"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            ScriptedBackend.write(out, "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
            while (in.read() >= 0) {
                // keep the connection open: it is the proxy that must not reuse it
            }
        })) {
            f.hosts.put("earlyanswer", Fwd.to(early.address()).router());
            try (RawHttp c = new RawHttp(plain.socketAddress())) {
                c.write("POST / HTTP/1.1\r\nHost: earlyanswer\r\nContent-Length: 100000\r\n\r\n0123456789");
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            }
            assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/", "earlyanswer")).status()).isEqualTo(403);
            assertThat(early.connections()).isEqualTo(2);
        }
        // The client leaves in the middle of a download: the rest of the response is still on its way.
        try (ScriptedBackend endless = new ScriptedBackend(ip("127.79.1.7"), (s, in, out) -> {
            while (true) {
                String head = ScriptedBackend.readHead(in);
                if (head.startsWith("GET /small")) {
                    ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                    continue;
                }
                ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n");
                byte[] chunk = new byte[16384];
                while (true) out.write(chunk); // until the proxy closes the connection
            }
        })) {
            f.hosts.put("endless", Fwd.to(endless.address()).router());
            try (RawHttp c = new RawHttp(plain.socketAddress())) {
                c.write(RawHttp.get("/big", "endless"));
                assertThat(c.readStatusLine()).startsWith("HTTP/1.1 200");
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(RawHttp.once(plain.socketAddress(), RawHttp.get("/small", "endless")).text()).isEqualTo("ok"));
            assertThat(endless.connections()).isEqualTo(2);
        }
    }

    @Test
    void expectContinueIsAnsweredByTheProxy() throws IOException {
        try (RawHttp c = new RawHttp(plain.socketAddress())) {
            c.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.readStatusLine()).isEqualTo("HTTP/1.1 100 Continue");
            c.write("hello");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.echoedHeaders()).doesNotContainKey("expect").containsEntry("content-length", "5");
        }
    }

    @Test
    void requestIdsAreUniqueAndKept() throws IOException {
        Set<String> ids = new HashSet<>();
        try (RawHttp client = new RawHttp(plain.socketAddress())) {
            for (int i = 0; i < 20; i++) ids.add(client.send(RawHttp.get("/", "x")).echoedHeaders().get("x-request-id"));
            assertThat(client.send(RawHttp.get("/", "x", "X-Request-ID: mine")).echoedHeaders())
                    .containsEntry("x-request-id", "mine");
        }
        assertThat(ids).hasSize(20);
    }
}
