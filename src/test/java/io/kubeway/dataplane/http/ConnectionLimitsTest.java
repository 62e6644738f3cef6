package io.kubeway.dataplane.http;

import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.BackendProtocol;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 5 of issue 7: HTTP/2 rapid reset (HEADERS + RST_STREAM) must not open backend connections, and client
 * connections and backend connects are capped, so an attack ends in refusals instead of running out of fds.
 */
class ConnectionLimitsTest {
    static EchoServer echo;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        echo = EchoServer.start(new InetSocketAddress(ip("127.81.1.1"), 0), "echo");
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    /** A backend that accepts TCP and says nothing: an HTTPS connect to it stays in its TLS handshake. */
    static ScriptedBackend stalling(String ip) throws IOException {
        return new ScriptedBackend(ip(ip), (s, in, out) -> {
            while (in.read() >= 0) {
                // hold the connection, answer nothing
            }
        });
    }

    @Test
    void rapidResetStreamsOpenNoBackendConnections() throws Exception {
        try (ScriptedBackend backend = stalling("127.81.1.2"); ProxyFixture f = new ProxyFixture()) {
            f.hosts.put("victim", Fwd.to(backend.address()).router());
            f.hosts.put("echo", Fwd.to(echo.address()).router());
            ListenKey key = f.http("127.81.0.1", f.byHost);
            try (H2Client c = new H2Client(key.socketAddress(), null, null)) {
                for (int i = 0; i < 150; i++) c.open().headersThenReset(H2Client.request("GET", "http", "victim", "/"));
                // Frames are handled in order: once this answer is back, every reset above has been seen.
                assertThat(c.exchange(H2Client.request("GET", "http", "echo", "/"), null).status()).isEqualTo("200");
            }
            Thread.sleep(200); // a connect started by a reset stream would be accepted by now
            assertThat(backend.connections()).as("backend connections opened for 150 reset streams").isLessThan(15);
        }
    }

    @Test
    void upstreamConnectsPerListenerAreCappedWith503() throws Exception {
        HttpEngineConfig config = HttpEngineConfig.defaults().withConnectionLimits(new ConnectionLimits(100, 2, 2));
        try (ScriptedBackend backend = stalling("127.81.1.3"); ProxyFixture f = new ProxyFixture(config)) {
            f.hosts.put("stall", Fwd.to(BackendProtocol.HTTPS, backend.address()).router());
            ListenKey key = f.http("127.81.0.2", f.byHost);
            List<RawHttp> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawHttp c = new RawHttp(key.socketAddress());
                    waiting.add(c);
                    c.write(RawHttp.get("/", "stall"));
                }
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.connections() == 2);
                RawHttp.Response refused = RawHttp.once(key.socketAddress(), RawHttp.get("/", "stall"));
                assertThat(refused.status()).isEqualTo(503);
            } finally {
                for (RawHttp c : waiting) c.close();
            }
            // The clients left: their connects are cancelled and their slots free again.
            try (RawHttp c = new RawHttp(key.socketAddress())) {
                c.write(RawHttp.get("/", "stall"));
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.connections() == 3);
            }
        }
    }

    @Test
    void upstreamConnectsPerClientConnectionWaitTheirTurn() throws Exception {
        HttpEngineConfig config = HttpEngineConfig.defaults().withConnectionLimits(new ConnectionLimits(100, 100, 1));
        try (ScriptedBackend backend = stalling("127.81.1.4"); ProxyFixture f = new ProxyFixture(config)) {
            f.hosts.put("stall", Fwd.to(BackendProtocol.HTTPS, backend.address()).router());
            ListenKey key = f.http("127.81.0.3", f.byHost);
            try (H2Client c = new H2Client(key.socketAddress(), null, null)) {
                List<H2Client.Stream> streams = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    H2Client.Stream s = c.open();
                    s.headers(H2Client.request("GET", "http", "stall", "/"), true);
                    streams.add(s);
                }
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.connections() == 1);
                Thread.sleep(300);
                assertThat(backend.connections()).as("one connect at a time for this client").isEqualTo(1);
                streams.getFirst().reset(); // its connect is cancelled: the next stream's starts
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> backend.connections() == 2);
            }
        }
    }

    @Test
    void clientConnectionsPerListenerAreCapped() throws Exception {
        HttpEngineConfig config = HttpEngineConfig.defaults().withConnectionLimits(new ConnectionLimits(2, 100, 10));
        try (ProxyFixture f = new ProxyFixture(config)) {
            f.hosts.put("echo", Fwd.to(echo.address()).router());
            ListenKey key = f.http("127.81.0.4", f.byHost);
            try (RawHttp a = new RawHttp(key.socketAddress()); RawHttp b = new RawHttp(key.socketAddress())) {
                assertThat(a.send(RawHttp.get("/", "echo")).status()).isEqualTo(200);
                assertThat(b.send(RawHttp.get("/", "echo")).status()).isEqualTo(200);
                assertThat(refused(key.socketAddress())).as("a third connection is refused").isTrue();
                assertThat(a.send(RawHttp.get("/", "echo")).status()).isEqualTo(200);
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() ->
                    RawHttp.once(key.socketAddress(), RawHttp.get("/", "echo")).status() == 200);
        }
    }

    /**
     * Whether the proxy closes a new connection at once. Its reset can arrive before the JDK's timed connect has
     * polled for completion, so a reset during connect is a refusal too.
     */
    private static boolean refused(java.net.InetSocketAddress target) throws java.io.IOException {
        RawHttp c;
        try {
            c = new RawHttp(target);
        } catch (java.net.SocketException e) {
            return true;
        }
        try (c) {
            return c.closedByPeer();
        }
    }
}
