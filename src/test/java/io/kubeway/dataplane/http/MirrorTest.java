package io.kubeway.dataplane.http;

import io.kubeway.state.ListenKey;
import io.kubeway.state.http.UpstreamPolicy;
import io.kubeway.state.http.UpstreamPolicy.Mirror;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code mirror-target} with real sockets: the copy's target, Host and body as the mirror receives them, and the
 * main request untouched by a mirror that is dead or never answers.
 */
class MirrorTest {
    ProxyFixture f;
    ListenKey plain;
    final List<AutoCloseable> closing = new ArrayList<>();
    final LinkedBlockingQueue<String> copies = new LinkedBlockingQueue<>();
    ScriptedBackend main;

    @BeforeEach
    void start() throws IOException {
        TestLogging.quiet();
        f = new ProxyFixture();
        plain = f.http("127.79.9.1", f.byHost);
        main = new ScriptedBackend(ip("127.79.9.2"), (s, in, out) -> {
            while (true) {
                ScriptedBackend.readBody(ScriptedBackend.readHead(in), in);
                ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmain");
            }
        });
        closing.add(main);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
        for (AutoCloseable c : closing) c.close();
    }

    /** A mirror that records each copy (head and body) and answers 500 (which nobody sees). */
    InetSocketAddress recordingMirror(String ip) throws IOException {
        ScriptedBackend m = new ScriptedBackend(ip(ip), (s, in, out) -> {
            String head = ScriptedBackend.readHead(in);
            copies.add(head + new String(ScriptedBackend.readBody(head, in), java.nio.charset.StandardCharsets.UTF_8));
            ScriptedBackend.write(out, "HTTP/1.1 500 No\r\nContent-Length: 0\r\n\r\n");
        });
        closing.add(m);
        return m.address();
    }

    void route(String host, InetSocketAddress mirror, String path, boolean body) {
        Fwd r = Fwd.to(main.address());
        r.upstream = new UpstreamPolicy(null, null, null, new Mirror("http://" + mirror.getHostString() + ":"
                + mirror.getPort() + (path == null ? "" : path), false, mirror.getHostString(), mirror.getPort(),
                "mirror.example", path, body));
        f.hosts.put(host, r.router());
    }

    RawHttp.Response send(String request) throws IOException {
        return RawHttp.once(ProxyFixture.addr(plain), request);
    }

    @Test
    void theMirrorGetsACopyWithItsHostTargetAndBody() throws Exception {
        InetSocketAddress m = recordingMirror("127.79.9.3");
        route("x", m, "/copy$request_uri", true);
        RawHttp.Response r = send(RawHttp.get("/a/b?c=1", "x"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("main");
        String copy = copies.poll(5, TimeUnit.SECONDS);
        assertThat(copy).startsWith("GET /copy/a/b?c=1 HTTP/1.1\r\n").containsIgnoringCase("host: mirror.example\r\n")
                .containsIgnoringCase("x-forwarded-for: ");

        assertThat(send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").status()).isEqualTo(200);
        copy = copies.poll(5, TimeUnit.SECONDS);
        assertThat(copy).startsWith("POST /copy/up HTTP/1.1\r\n").containsIgnoringCase("content-length: 5\r\n")
                .endsWith("\r\n\r\nhello");

        assertThat(send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n"
                + "0\r\n\r\n").status()).isEqualTo(200);
        copy = copies.poll(5, TimeUnit.SECONDS);
        assertThat(copy).containsIgnoringCase("content-length: 5\r\n").doesNotContainIgnoringCase("transfer-encoding")
                .endsWith("\r\n\r\nabcde");
    }

    @Test
    void http2RequestsAreMirroredWithTheirBody() throws Exception {
        InetSocketAddress m = recordingMirror("127.79.9.9");
        route("x", m, "/h2$request_uri", true);
        try (H2Client c = new H2Client(ProxyFixture.addr(plain), null, null)) {
            H2Client.Response r = c.exchange(H2Client.request("POST", "http", "x", "/up"),
                    "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(r.headers().status().toString()).isEqualTo("200");
            String copy = copies.poll(5, TimeUnit.SECONDS);
            assertThat(copy).startsWith("POST /h2/up HTTP/1.1\r\n").containsIgnoringCase("content-length: 5\r\n")
                    .endsWith("\r\n\r\nhello");
            r = c.exchange(H2Client.request("GET", "http", "x", "/get"), null);
            assertThat(r.headers().status().toString()).isEqualTo("200");
            copy = copies.poll(5, TimeUnit.SECONDS);
            assertThat(copy).startsWith("GET /h2/get HTTP/1.1\r\n").doesNotContainIgnoringCase("content-length");
        }
    }

    @Test
    void withoutRequestBodyTheCopyHasNone() throws Exception {
        InetSocketAddress m = recordingMirror("127.79.9.4");
        route("x", m, null, false);
        assertThat(send("POST /up?q HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").status()).isEqualTo(200);
        String copy = copies.poll(5, TimeUnit.SECONDS);
        assertThat(copy).startsWith("POST /up?q HTTP/1.1\r\n").containsIgnoringCase("content-length: 0\r\n")
                .endsWith("\r\n\r\n");
    }

    @Test
    void aDeadOrSilentMirrorChangesNothingForTheClient() throws Exception {
        InetSocketAddress dead;
        try (ServerSocket s = new ServerSocket(0, 1, ip("127.79.9.5"))) {
            dead = (InetSocketAddress) s.getLocalSocketAddress();
        }
        route("dead", dead, "$request_uri", true);
        CountDownLatch never = new CountDownLatch(1);
        ScriptedBackend silent = new ScriptedBackend(ip("127.79.9.6"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            try {
                never.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        closing.add(silent);
        closing.add(never::countDown);
        route("silent", silent.address(), "$request_uri", true);
        for (int i = 0; i < 3; i++) {
            assertThat(send(RawHttp.get("/", "dead")).status()).isEqualTo(200);
            assertThat(send(RawHttp.get("/", "silent")).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                f.registry.get("kubeway_http_mirror_failures").counter().count()).isEqualTo(3.0));
        assertThat(silent.connections()).isEqualTo(3);
    }

    @Test
    void copiesInFlightAreCappedPerListener() {
        Mirrors m = new Mirrors(new SimpleMeterRegistry());
        ListenKey a = ProxyFixture.key("127.79.9.7");
        for (int i = 0; i < Mirrors.MAX_IN_FLIGHT; i++) assertThat(m.start(a)).isTrue();
        assertThat(m.start(a)).isFalse();
        assertThat(m.start(ProxyFixture.key("127.79.9.8"))).as("another listener").isTrue();
        m.done(a, true);
        assertThat(m.start(a)).isTrue();
        assertThat(m.inFlight(a)).isEqualTo(Mirrors.MAX_IN_FLIGHT);
    }
}
