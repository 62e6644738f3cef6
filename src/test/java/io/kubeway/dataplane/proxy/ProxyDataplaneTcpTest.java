package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TCP data path end to end: real sockets, real echo backends, the proxy in between. */
class ProxyDataplaneTcpTest {
    static EchoServer a;
    static EchoServer b;
    static EchoServer c;

    final FakeClock clock = new FakeClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProxyDataplane proxy;

    @BeforeAll
    static void backends() {
        a = EchoServer.start(new InetSocketAddress(ip("127.77.1.1"), 0), "a");
        b = EchoServer.start(new InetSocketAddress(ip("127.77.1.2"), 0), "b");
        c = EchoServer.start(new InetSocketAddress(ip("127.77.1.3"), 0), "c");
    }

    @AfterAll
    static void stopBackends() {
        a.close();
        b.close();
        c.close();
    }

    @BeforeEach
    void start() {
        proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(2), registry, clock);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void forwardsHttpAndRawBytes() throws IOException {
        ListenKey key = key("127.77.0.1", Protocol.TCP);
        assertThat(proxy.apply(state(listener(key, a.address())))).isEmpty();

        assertThat(HttpConn.backendOf(key.socketAddress())).isEqualTo("a");
        try (Socket s = new Socket(key.address(), key.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello, raw world".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(16), StandardCharsets.US_ASCII))
                    .isEqualTo("hello, raw world");
        }
    }

    @Test
    void roundRobinSpreadsShortConnectionsEvenly() throws IOException {
        ListenKey key = key("127.77.0.2", Protocol.TCP);
        proxy.apply(state(listener(key, a.address(), b.address(), c.address())));

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) counts.merge(HttpConn.backendOf(key.socketAddress()), 1, Integer::sum);

        assertThat(counts).containsOnlyKeys("a", "b", "c");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    @Test
    void clientIpAffinitySticksWhileUsedAndRepicksAfterTimeout() throws IOException {
        ListenKey key = key("127.77.0.3", Protocol.TCP);
        proxy.apply(state(listener(key, "web", 10, a.address(), b.address(), c.address())));
        InetSocketAddress client1 = new InetSocketAddress(ip("127.77.9.1"), 0);
        InetSocketAddress client2 = new InetSocketAddress(ip("127.77.9.2"), 0);

        String first = ask(key, client1);
        for (int i = 0; i < 5; i++) assertThat(ask(key, client1)).isEqualTo(first);
        String other = ask(key, client2);
        assertThat(other).isNotEqualTo(first); // round robin moved on for the new client
        // Each new connection restarts the 10 s timer, as kube-proxy's "recent" match does.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(6));
            assertThat(ask(key, client1)).isEqualTo(first);
        }
        clock.advance(Duration.ofSeconds(11));
        assertThat(ask(key, client1)).isNotEqualTo(first);
    }

    @Test
    void affinityRepicksWhenTheEndpointIsGone() throws IOException {
        ListenKey key = key("127.77.0.4", Protocol.TCP);
        proxy.apply(state(listener(key, "web", 10800, a.address(), b.address())));
        InetSocketAddress client = new InetSocketAddress(ip("127.77.9.3"), 0);
        assertThat(ask(key, client)).isEqualTo("a");

        proxy.apply(state(listener(key, "web", 10800, b.address(), c.address())));
        String next = ask(key, client);
        assertThat(next).isIn("b", "c");
        for (int i = 0; i < 3; i++) assertThat(ask(key, client)).isEqualTo(next);
    }

    @Test
    void noEndpointsResetsAtOnce() throws IOException {
        ListenKey key = key("127.77.0.5", Protocol.TCP);
        proxy.apply(state(listener(key)));

        long start = System.nanoTime();
        assertThat(TestNet.refusal(key.socketAddress())).hasMessageContaining("reset");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("no endpoints: client saw the reset after " + elapsedMillis + " ms");
        assertThat(elapsedMillis).isLessThan(1000);
        assertThat(registry.get("kubeway.connections.rejected").counter().count()).isEqualTo(1);
    }

    @Test
    void unreachableEndpointIsSkippedAndAllUnreachableResets() throws IOException {
        InetSocketAddress dead = new InetSocketAddress(ip("127.77.3.3"), TestNet.freePort(ip("127.77.3.3")));
        ListenKey key = key("127.77.0.6", Protocol.TCP);
        proxy.apply(state(listener(key, dead, a.address())));
        for (int i = 0; i < 6; i++) assertThat(HttpConn.backendOf(key.socketAddress())).isEqualTo("a");

        proxy.apply(state(listener(key, dead)));
        assertThat(TestNet.refusal(key.socketAddress())).hasMessageContaining("reset");
    }

    @Test
    void removedEndpointKeepsItsConnectionWhileNewOnesGoElsewhere() throws IOException {
        ListenKey key = key("127.77.0.7", Protocol.TCP);
        proxy.apply(state(listener(key, a.address(), b.address(), c.address())));
        Channel server = proxy.socket(key).channel();
        try (HttpConn longLived = new HttpConn(key.socketAddress())) {
            String pinned = longLived.backend();
            InetSocketAddress[] rest = Set.of(a, b, c).stream().filter(e -> !e.name().equals(pinned))
                    .map(EchoServer::address).toArray(InetSocketAddress[]::new);

            proxy.apply(state(listener(key, rest)));

            assertThat(proxy.socket(key).channel()).isSameAs(server);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                assertThat(longLived.backend()).isEqualTo(pinned);
                seen.add(HttpConn.backendOf(key.socketAddress()));
            }
            assertThat(seen).doesNotContain(pinned).hasSize(2);
        }
    }

    @Test
    void removedListenerKeepsEstablishedConnections() throws IOException {
        ListenKey key = key("127.77.0.8", Protocol.TCP);
        proxy.apply(state(listener(key, a.address())));
        try (HttpConn conn = new HttpConn(key.socketAddress())) {
            assertThat(conn.backend()).isEqualTo("a");

            assertThat(proxy.apply(DesiredState.EMPTY)).isEmpty();

            assertThatThrownBy(() -> HttpConn.backendOf(key.socketAddress())).isInstanceOf(ConnectException.class);
            for (int i = 0; i < 3; i++) assertThat(conn.backend()).isEqualTo("a");
        }
    }

    @Test
    void reapplyLeavesUnchangedListenersAlone() {
        ListenKey k1 = key("127.77.0.9", Protocol.TCP);
        ListenKey k2 = key("127.77.0.10", Protocol.TCP);
        L4Listener l1 = listener(k1, a.address());
        proxy.apply(state(l1));
        Channel before = proxy.socket(k1).channel();
        var route = proxy.socket(k1).route();

        assertThat(proxy.apply(state(l1, listener(k2, b.address())))).isEmpty();
        assertThat(proxy.apply(state(l1, listener(k2, c.address())))).isEmpty();

        assertThat(proxy.socket(k1).channel()).isSameAs(before);
        assertThat(proxy.socket(k1).route()).isSameAs(route);
        assertThat(before.isOpen()).isTrue();
    }

    @Test
    void bindFailureIsReportedOthersServeAndTheNextApplyRetries() throws IOException {
        ListenKey taken = key("127.77.0.11", Protocol.TCP);
        ListenKey free = key("127.77.0.12", Protocol.TCP);
        DesiredState desired = state(listener(taken, a.address()), listener(free, b.address()));
        try (ServerSocket blocker = new ServerSocket(taken.port(), 1, taken.address())) {
            Map<ListenKey, String> failures = proxy.apply(desired);

            assertThat(failures).containsOnlyKeys(taken);
            assertThat(failures.get(taken)).isEqualTo("bind " + taken + ": Address already in use");
            assertThat(HttpConn.backendOf(free.socketAddress())).isEqualTo("b");
        }
        assertThat(proxy.apply(desired)).isEmpty();
        assertThat(HttpConn.backendOf(taken.socketAddress())).isEqualTo("a");
    }

    @Test
    void sctpIsReportedAsUnsupported() {
        ListenKey key = new ListenKey(ip("127.77.0.13"), 9, Protocol.SCTP);
        assertThat(proxy.apply(state(listener(key, a.address()))))
                .containsEntry(key, "bind " + key + ": SCTP is not supported by the proxy data plane");
    }

    @Test
    void halfCloseReachesTheBackendAndTheReplyStillComesBack() throws IOException {
        try (EofReplyServer backend = new EofReplyServer(ip("127.77.1.4"))) {
            ListenKey key = key("127.77.0.14", Protocol.TCP);
            proxy.apply(state(listener(key, backend.address())));
            try (Socket s = new Socket(key.address(), key.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(new byte[100_000]);
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("got 100000");
            }
        }
    }

    @Test
    void sixteenMebibytesArriveIntact() throws Exception {
        ListenKey key = key("127.77.0.15", Protocol.TCP);
        proxy.apply(state(listener(key, a.address())));
        assertThat(echoThrough(key.socketAddress(), 16 << 20)).isTrue();
    }

    /** Sends {@code size} random bytes through an echo and checks the CRC of what comes back. */
    static boolean echoThrough(InetSocketAddress target, int size) throws Exception {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        data[0] = 0; // never looks like an HTTP method to the echo's sniffer
        CRC32 sent = new CRC32();
        sent.update(data);
        try (Socket s = new Socket(target.getAddress(), target.getPort())) {
            s.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < size; off += 65_536) out.write(data, off, Math.min(65_536, size - off));
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            CRC32 received = new CRC32();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65_536];
            long total = 0;
            for (int r; (r = in.read(buf)) >= 0; ) {
                received.update(buf, 0, r);
                total += r;
            }
            writer.join(30_000);
            return total == size && received.getValue() == sent.getValue();
        }
    }

    private static String ask(ListenKey key, InetSocketAddress source) throws IOException {
        try (HttpConn c = new HttpConn(key.socketAddress(), source)) {
            return c.backend();
        }
    }
}
