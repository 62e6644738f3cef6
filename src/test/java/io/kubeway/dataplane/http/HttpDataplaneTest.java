package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.Router;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Listener diffs and router swaps: what apply changes, and what it must leave alone. */
class HttpDataplaneTest {
    static EchoServer a;
    static EchoServer b;
    ProxyFixture f;

    @BeforeAll
    static void backends() {
        TestLogging.quiet();
        a = EchoServer.start(new InetSocketAddress(ip("127.82.1.1"), 0), "a");
        b = EchoServer.start(new InetSocketAddress(ip("127.82.1.2"), 0), "b");
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
    void unchangedListenersKeepTheirSocketAndRemovedOnesDrain() throws IOException {
        f = new ProxyFixture();
        ListenKey k1 = ProxyFixture.key("127.82.0.1");
        ListenKey k2 = ProxyFixture.key("127.82.0.2");
        Router toA = Fwd.to(a.address()).router();
        assertThat(f.apply(List.of(k1, k2), List.of(), toA, Map.of(), null)).isEmpty();
        Channel c1 = f.proxy.listenerChannel(k1);

        try (RawHttp live = new RawHttp(k2.socketAddress())) {
            assertThat(live.send(RawHttp.get("/", "x")).status()).isEqualTo(200);
            assertThat(f.apply(List.of(k1), List.of(), toA, Map.of(), null)).isEmpty();
            assertThat(f.proxy.listenerChannel(k1)).isSameAs(c1);
            assertThat(c1.isOpen()).isTrue();
            assertThatThrownBy(() -> RawHttp.once(k2.socketAddress(), RawHttp.get("/", "x"))).isInstanceOf(ConnectException.class);
            // the connection accepted before keeps working, and is asked to go away after its response
            RawHttp.Response r = live.send(RawHttp.get("/", "x"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
        }
    }

    @Test
    void removedListenerSendsGoAwayToHttp2ClientsAndLetsTheirStreamsFinish() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (ScriptedBackend slow = new ScriptedBackend(ip("127.82.1.5"), (socket, in, out) -> {
            int matched = 0;
            while (matched < 4) matched = in.read() == "\r\n\r\n".charAt(matched) ? matched + 1 : 0; // the head
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        })) {
            f = new ProxyFixture();
            ListenKey k = ProxyFixture.key("127.82.0.5");
            Router toSlow = Fwd.to(slow.address()).router();
            assertThat(f.apply(List.of(k), List.of(), toSlow, Map.of(), null)).isEmpty();
            try (H2Client h2 = new H2Client(k.socketAddress(), null, null)) {
                H2Client.Stream inFlight = h2.open();
                inFlight.headers(H2Client.request("GET", "http", "x", "/"), true);
                await().atMost(Duration.ofSeconds(5)).until(() -> slow.connections() == 1);
                assertThat(f.apply(List.of(), List.of(), toSlow, Map.of(), null)).isEmpty();
                // the GOAWAY names the stream in flight as one the server will still answer
                assertThat(h2.goAway.get(5, TimeUnit.SECONDS)).isEqualTo(inFlight.channel.stream().id());
                answer.countDown();
                H2Client.Response r = inFlight.response();
                assertThat(r.status()).isEqualTo("200");
                assertThat(r.text()).isEqualTo("late");
                await().atMost(Duration.ofSeconds(5)).until(h2::closed); // and then the connection goes
            }
        }
    }

    @Test
    void bindFailuresAreReportedAndRetried() throws IOException {
        f = new ProxyFixture();
        ListenKey k = ProxyFixture.key("127.82.0.3");
        try (ServerSocket squatter = new ServerSocket(k.port(), 1, k.address())) {
            Map<ListenKey, String> failures = f.apply(List.of(k), List.of(), Fwd.to(a.address()).router(), Map.of(), null);
            assertThat(failures).containsOnlyKeys(k);
            assertThat(failures.get(k)).contains("in use");
        }
        assertThat(f.apply(List.of(k), List.of(), Fwd.to(a.address()).router(), Map.of(), null)).isEmpty();
        assertThat(RawHttp.once(k.socketAddress(), RawHttp.get("/", "x")).status()).isEqualTo(200);
        ListenKey both = ProxyFixture.key("127.82.0.4");
        assertThat(f.apply(List.of(k, both), List.of(both), Fwd.to(a.address()).router(), Map.of(), null))
                .containsOnlyKeys(both);
    }

    @Test
    void reconfigurationUnderLoadFailsNoRequestAndKeepsTheWebSocket() throws Exception {
        f = new ProxyFixture();
        try (EchoServer c = EchoServer.start(new InetSocketAddress(ip("127.82.1.4"), 0), "c");
             TestBackends ws = TestBackends.webSocketEcho(new InetSocketAddress(ip("127.82.1.5"), 0))) {
            ListenKey k = ProxyFixture.key("127.82.0.6");
            ListenKey spare = ProxyFixture.key("127.82.0.7");
            List<List<InetSocketAddress>> endpointSets = List.of(List.of(a.address(), b.address()),
                    List.of(b.address(), c.address()), List.of(c.address()), List.of(a.address(), c.address()));
            Fwd toWs = Fwd.to(ws.address());
            IntFunction<Router> version = i -> {
                Fwd web = Fwd.to(endpointSets.get(i % endpointSets.size()).toArray(InetSocketAddress[]::new));
                return r -> r.path().equals("/ws") ? toWs.build(r) : web.build(r);
            };
            assertThat(f.apply(List.of(k), List.of(), version.apply(0), Map.of(), null)).isEmpty();
            WebSocketTest.Socket socket = WebSocketTest.Socket.open(WebSocketTest.plainClient(),
                    "ws://127.82.0.6:" + k.port() + "/ws");

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> load = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                boolean keepAlive = t < 2;
                load.add(Thread.ofPlatform().start(() -> {
                    RawHttp conn = null;
                    try {
                        while (running.get()) {
                            if (conn == null) conn = new RawHttp(k.socketAddress());
                            RawHttp.Response r = conn.send(RawHttp.get("/", "x"));
                            if (r.status() != 200) throw new AssertionError("status " + r.status());
                            ok.incrementAndGet();
                            if (!keepAlive || "close".equalsIgnoreCase(r.header("connection"))) {
                                conn.close();
                                conn = null;
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        try {
                            if (conn != null) conn.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    }
                }));
            }
            for (int i = 1; i <= 100; i++) {
                List<ListenKey> listeners = i % 10 < 5 ? List.of(k, spare) : List.of(k);
                assertThat(f.apply(listeners, List.of(), version.apply(i), Map.of(), null)).isEmpty();
                if (i % 20 == 0) assertThat(socket.echo("edit " + i)).isEqualTo("edit " + i);
                Thread.sleep(10); // spread the edits over the load
            }
            running.set(false);
            for (Thread t : load) t.join(10_000);
            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThan(100);
            assertThat(socket.echo("after")).isEqualTo("after");
            socket.socket.abort();
        }
    }

    @Test
    void routerSwapAppliesToNewRequestsAndKeepsInFlightOnes() throws Exception {
        f = new ProxyFixture();
        CountDownLatch inBackend = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedBackend slow = new ScriptedBackend(ip("127.82.1.3"), (s, in, out) -> {
            ScriptedBackend.readHead(in);
            inBackend.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ScriptedBackend.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
        })) {
            ListenKey k = ProxyFixture.key("127.82.0.5");
            assertThat(f.apply(List.of(k), List.of(), Fwd.to(slow.address()).router(), Map.of(), null)).isEmpty();
            try (RawHttp inFlight = new RawHttp(k.socketAddress()); RawHttp keepAlive = new RawHttp(k.socketAddress())) {
                inFlight.write(RawHttp.get("/", "x"));
                assertThat(inBackend.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(f.apply(List.of(k), List.of(), Fwd.to(b.address()).router(), Map.of(), null)).isEmpty();
                // new requests, even on a connection opened before the swap, use the new router
                assertThat(keepAlive.send(RawHttp.get("/", "x")).json().get("backend").asString()).isEqualTo("b");
                release.countDown();
                assertThat(inFlight.read().text()).isEqualTo("slow");
                assertThat(inFlight.send(RawHttp.get("/", "x")).json().get("backend").asString()).isEqualTo("b");
            }
        }
    }
}
