package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.dataplane.proxy.l4.UdpListener;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.DesiredState;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The UDP data path end to end: flows per client, replies from the service address, idle expiry. */
class ProxyDataplaneUdpTest {
    static final Duration IDLE = Duration.ofSeconds(5); // against the fake clock: the test never waits for it
    static EchoServer echo;
    static UdpWhoami x;
    static UdpWhoami y;

    final FakeClock clock = new FakeClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProxyDataplane proxy;

    @BeforeAll
    static void backends() throws IOException {
        echo = EchoServer.start(new InetSocketAddress(ip("127.78.1.1"), 0), "echo");
        x = new UdpWhoami(ip("127.78.1.2"), "x");
        y = new UdpWhoami(ip("127.78.1.3"), "y");
    }

    @AfterAll
    static void stopBackends() {
        echo.close();
        x.close();
        y.close();
    }

    @BeforeEach
    void start() {
        proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(2).withUdpIdleTimeout(IDLE), registry, clock);
    }

    @AfterEach
    void stop() {
        proxy.close();
    }

    @Test
    void echoesThroughTheServiceAddress() throws IOException {
        ListenKey key = key("127.78.0.1", Protocol.UDP);
        assertThat(proxy.apply(state(listener(key, echo.address())))).isEmpty();
        try (DatagramSocket client = client()) {
            byte[] big = new byte[9000]; // larger than Netty's default 2048-byte datagram buffer
            big[8999] = 7;
            client.send(new DatagramPacket(big, big.length, key.socketAddress()));
            DatagramPacket reply = receive(client);
            assertThat(reply.getSocketAddress()).isEqualTo(key.socketAddress());
            assertThat(reply.getLength()).isEqualTo(9000);
            assertThat(reply.getData()[8999]).isEqualTo((byte) 7);
        }
        assertThat(registry.get("kubeway.bytes").tag("direction", "rx").counter().count()).isEqualTo(9000);
        assertThat(registry.get("kubeway.bytes").tag("direction", "tx").counter().count()).isEqualTo(9000);
    }

    @Test
    void oneFlowPerClientAddress() throws IOException {
        ListenKey key = key("127.78.0.2", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket c1 = client(); DatagramSocket c2 = client()) {
            String first = ask(c1, key);
            assertThat(ask(c1, key)).isEqualTo(first);
            String second = ask(c2, key);
            assertThat(second).startsWith("x ").isNotEqualTo(first); // another flow socket, another source port
            assertThat(udp(key).flowCount()).isEqualTo(2);
            assertThat(registry.get("kubeway.connections").counter().count()).isEqualTo(2);
            assertThat(registry.get("kubeway.active.connections").gauge().value()).isEqualTo(2);
        }
    }

    @Test
    void flowsPastTheCapAreDroppedAndCountedWhileExistingFlowsGoOn() throws IOException {
        proxy.close();
        proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(2).withUdpIdleTimeout(IDLE)
                .withMaxClientConnections(2), registry, clock);
        ListenKey key = key("127.78.0.9", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket c1 = client(); DatagramSocket c2 = client(); DatagramSocket c3 = client()) {
            assertThat(ask(c1, key)).startsWith("x ");
            assertThat(ask(c2, key)).startsWith("x ");
            c3.setSoTimeout(500);
            c3.send(packet("who", key));
            assertThatThrownBy(() -> receive(c3)).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(udp(key).flowCount()).isEqualTo(2);
            assertThat(registry.get("kubeway.connections.rejected").counter().count()).isEqualTo(1);
            assertThat(ask(c1, key)).startsWith("x "); // the flows within the cap go on
        }
    }

    @Test
    void idleFlowsExpireOnTheClock() throws IOException {
        ListenKey key = key("127.78.0.3", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket c = client()) {
            String before = ask(c, key);
            clock.advance(IDLE.minusSeconds(1));
            assertThat(ask(c, key)).isEqualTo(before); // traffic restarts the idle timer
            clock.advance(IDLE.minusSeconds(1));
            assertThat(udp(key).flowCount()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> udp(key).flowCount() == 0);
            assertThat(registry.get("kubeway.active.connections").gauge().value()).isZero();

            assertThat(ask(c, key)).isNotEqualTo(before); // a new flow, from a new socket
            assertThat(registry.get("kubeway.connections").counter().count()).isEqualTo(2);
        }
    }

    @Test
    void noEndpointsDropsAndCounts() throws IOException {
        ListenKey key = key("127.78.0.4", Protocol.UDP);
        proxy.apply(state(listener(key)));
        try (DatagramSocket c = client()) {
            c.setSoTimeout(300);
            c.send(packet("ping", key));
            assertThatThrownBy(() -> c.receive(new DatagramPacket(new byte[100], 100)))
                    .isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(registry.get("kubeway.connections.rejected").counter().count()).isEqualTo(1);
    }

    @Test
    void flowsToRemovedEndpointsEndAndTheClientMovesOn() throws IOException {
        ListenKey key = key("127.78.0.5", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket c = client()) {
            assertThat(ask(c, key)).startsWith("x ");

            proxy.apply(state(listener(key, y.address())));

            await().atMost(Duration.ofSeconds(10)).until(() -> udp(key).flowCount() == 0);
            assertThat(ask(c, key)).startsWith("y ");
        }
    }

    @Test
    void removedListenerDrainsItsFlowsThenCloses() throws IOException {
        ListenKey key = key("127.78.0.6", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket live = client(); DatagramSocket late = client()) {
            String flow = ask(live, key);

            proxy.apply(DesiredState.EMPTY);

            assertThat(ask(live, key)).isEqualTo(flow); // the flow keeps working, from the service address
            late.setSoTimeout(300);
            late.send(packet("new client", key));
            assertThatThrownBy(() -> late.receive(new DatagramPacket(new byte[100], 100)))
                    .isInstanceOf(SocketTimeoutException.class);

            clock.advance(IDLE.plusSeconds(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> !proxy.drainingSocket(key).channel().isOpen());
        }
    }

    @Test
    void reAddingADrainingListenerRevivesIt() throws IOException {
        ListenKey key = key("127.78.0.7", Protocol.UDP);
        proxy.apply(state(listener(key, x.address())));
        try (DatagramSocket c = client()) {
            String flow = ask(c, key);
            proxy.apply(DesiredState.EMPTY);
            var drainingSocket = proxy.drainingSocket(key);

            assertThat(proxy.apply(state(listener(key, x.address())))).isEmpty();

            assertThat(proxy.socket(key)).isSameAs(drainingSocket);
            assertThat(ask(c, key)).isEqualTo(flow);
        }
    }

    private UdpListener udp(ListenKey key) {
        return (UdpListener) proxy.socket(key);
    }

    private static DatagramSocket client() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip("127.78.9.1"), 0));
        s.setSoTimeout(5_000);
        return s;
    }

    private static DatagramPacket packet(String text, ListenKey key) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return new DatagramPacket(b, b.length, key.socketAddress());
    }

    private static DatagramPacket receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
        s.receive(p);
        return p;
    }

    /** Sends one datagram and returns the answer: the whoami names the flow socket that reached it. */
    private static String ask(DatagramSocket s, ListenKey key) throws IOException {
        s.send(packet("who", key));
        DatagramPacket p = receive(s);
        assertThat(p.getSocketAddress()).isEqualTo(key.socketAddress());
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
    }
}
