package io.kubeway.dataplane.http;

import io.kubeway.state.ListenKey;
import io.kubeway.state.http.Router;
import io.kubeway.state.http.TlsCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WebSocket upgrades through the proxy with the JDK client: echo, survival of reconfiguration, idle timeout. */
class WebSocketTest {
    static TestBackends ws;
    static TestCerts certs;
    static TlsCertificate shop;
    static ProxyFixture f;
    static ListenKey http;
    static ListenKey https;
    static TlsClient tls;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        ws = TestBackends.webSocketEcho(new InetSocketAddress(ip("127.85.1.1"), 0));
        certs = new TestCerts();
        shop = certs.issue("demo/shop-tls", TestCerts.Key.EC_SEC1, "shop.test");
        tls = new TlsClient(certs.trustStore());
        f = new ProxyFixture();
        http = ProxyFixture.key("127.85.0.1");
        https = ProxyFixture.key("127.85.0.2");
        apply(Fwd.to(ws.address()).router());
    }

    static void apply(Router router) {
        assertThat(f.apply(List.of(http), List.of(https), router, Map.of("shop.test", shop), shop)).isEmpty();
    }

    @AfterAll
    static void stop() {
        f.close();
        ws.close();
    }

    /** A JDK WebSocket whose received text messages land in a queue. */
    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Socket open(HttpClient client, String uri) throws Exception {
            Socket s = new Socket();
            s.socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(uri), s).get(10, TimeUnit.SECONDS);
            return s;
        }

        String echo(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
            String got = received.poll(10, TimeUnit.SECONDS);
            assertThat(got).as("echo of a %d-char message", text.length()).isNotNull();
            return got;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }

    static HttpClient plainClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void echoesOverPlainAndTls() throws Exception {
        Socket plain = Socket.open(plainClient(), "ws://127.85.0.1:" + http.port() + "/ws");
        assertThat(plain.echo("hello")).isEqualTo("hello");
        String big = "x".repeat(1 << 20);
        assertThat(plain.echo(big)).isEqualTo(big);
        plain.socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(plain.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);

        HttpClient tlsClient = HttpClient.newBuilder().sslContext(tls.context).sslParameters(TlsClient.params("shop.test")).build();
        Socket secure = Socket.open(tlsClient, "wss://127.85.0.2:" + https.port() + "/ws");
        assertThat(secure.echo("over tls")).isEqualTo("over tls");
        secure.socket.abort();
    }

    @Test
    void openWebSocketsSurviveRouterSwapsAndListenerRemoval() throws Exception {
        Socket s = Socket.open(plainClient(), "ws://127.85.0.1:" + http.port() + "/ws");
        assertThat(s.echo("before")).isEqualTo("before");
        apply(Fwd.respond(404, Map.of(), "gone"));
        assertThat(s.echo("after router swap")).isEqualTo("after router swap");
        assertThatThrownBy(() -> Socket.open(plainClient(), "ws://127.85.0.1:" + http.port() + "/ws"))
                .isInstanceOf(ExecutionException.class); // new upgrades follow the new router
        assertThat(f.apply(List.of(), List.of(https), Fwd.respond(404, Map.of(), "gone"), Map.of("shop.test", shop), shop)).isEmpty();
        assertThat(s.echo("after listener removal")).isEqualTo("after listener removal");
        s.socket.abort();
        apply(Fwd.to(ws.address()).router());
    }

    @Test
    void idleWebSocketsCloseAfterTheReadTimeout() throws Exception {
        Fwd route = Fwd.to(ws.address()).readTimeout(Duration.ofMillis(1500));
        apply(route.router());
        try {
            Socket s = Socket.open(plainClient(), "ws://127.85.0.1:" + http.port() + "/ws");
            for (int i = 0; i < 5; i++) {
                Thread.sleep(300); // 5 x 300 ms of light traffic outlive the 1.5 s idle timeout (wide margin per gap)
                assertThat(s.echo("ping" + i)).isEqualTo("ping" + i);
            }
            assertThat(s.closed.get(10, TimeUnit.SECONDS)).isNotNull();
        } finally {
            apply(Fwd.to(ws.address()).router());
        }
    }
}
