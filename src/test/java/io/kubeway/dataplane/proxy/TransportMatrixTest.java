package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The same essentials on every transport this machine has. */
class TransportMatrixTest {
    record Case(String transport) {
        @Override
        public String toString() {
            return transport;
        }
    }

    static EchoServer echo;

    @BeforeAll
    static void backend() {
        echo = EchoServer.start(new InetSocketAddress(ip("127.79.1.1"), 0), "echo");
    }

    @AfterAll
    static void stopBackend() {
        echo.close();
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("nio"), new Case("epoll"), new Case("io_uring"));
    }

    private static ProxyDataplane proxy(Case c) {
        assumeTrue(Transport.isAvailable(c.transport()), c.transport() + " is not available here");
        ProxyDataplane p = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(2).withTransport(c.transport()),
                new SimpleMeterRegistry(), new FakeClock());
        assertThat(p.transportName()).isEqualTo(c.transport());
        return p;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void httpRoundTrip(Case c) throws IOException {
        try (ProxyDataplane proxy = proxy(c)) {
            ListenKey key = key("127.79.0.1", Protocol.TCP);
            proxy.apply(state(listener(key, echo.address())));
            try (HttpConn conn = new HttpConn(key.socketAddress())) {
                for (int i = 0; i < 3; i++) assertThat(conn.backend()).isEqualTo("echo");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void bulkEchoIntact(Case c) throws Exception {
        try (ProxyDataplane proxy = proxy(c)) {
            ListenKey key = key("127.79.0.2", Protocol.TCP);
            proxy.apply(state(listener(key, echo.address())));
            assertThat(ProxyDataplaneTcpTest.echoThrough(key.socketAddress(), 8 << 20)).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void halfClose(Case c) throws IOException {
        try (ProxyDataplane proxy = proxy(c); EofReplyServer backend = new EofReplyServer(ip("127.79.1.2"))) {
            ListenKey key = key("127.79.0.3", Protocol.TCP);
            proxy.apply(state(listener(key, backend.address())));
            try (Socket s = new Socket(key.address(), key.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(new byte[3_000_000]);
                s.shutdownOutput();
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("got 3000000");
            }
        }
    }

    /**
     * A backend slower than the client: the proxy's buffer towards it fills and drains around the client's
     * FIN. Regression: asking the half-closed client channel to read again broke epoll connections.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void halfCloseToASlowBackend(Case c) throws IOException {
        try (ProxyDataplane proxy = proxy(c); EofReplyServer backend = new EofReplyServer(ip("127.79.1.3"), true)) {
            ListenKey key = key("127.79.0.6", Protocol.TCP);
            proxy.apply(state(listener(key, backend.address())));
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket(key.address(), key.port())) {
                    s.setSoTimeout(20_000);
                    s.getOutputStream().write(new byte[4 << 20]);
                    s.shutdownOutput();
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("got " + (4 << 20));
                }
            }
        }
    }

    /**
     * A client that half-closes at once and reads a large reply later: its side of the relay has nothing to read or
     * write for a while, then more to write than the socket takes. Regression: Netty 4.2's epoll transport took the
     * idle fd out of its epoll set and then failed (ENOENT) to ask for writability, closing the connection after
     * part of the reply (EpollInterestFix).
     */
    @ParameterizedTest
    @MethodSource("cases")
    void halfClosedClientGetsALargeReply(Case c) throws Exception {
        int size = 8 << 20;
        try (ProxyDataplane proxy = proxy(c); ServerSocket backend = new ServerSocket(0, 50, ip("127.79.4.3"))) {
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = backend.accept()) {
                    s.getInputStream().readAllBytes();
                    Thread.sleep(300); // the relay has passed the FIN on and its client side is idle
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[65_536];
                    for (int sent = 0; sent < size; sent += chunk.length) out.write(chunk);
                } catch (IOException | InterruptedException e) {
                    // the client's assertion says what arrived
                }
            });
            ListenKey key = key("127.79.0.7", Protocol.TCP);
            proxy.apply(state(listener(key, (InetSocketAddress) backend.getLocalSocketAddress())));
            try (Socket s = new Socket(key.address(), key.port())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write('x');
                s.shutdownOutput();
                Thread.sleep(800); // the reply fills the socket buffers before the client reads
                assertThat(s.getInputStream().readAllBytes().length).isEqualTo(size);
            }
            server.join(20_000);
        }
    }

    /**
     * The backend speaks first and half-closes, then reads what the client still sends. Once the relay has passed
     * the backend's FIN on it lets the client's FIN close the connection (no half-close of the client's side left
     * to do, issue 10): what the client sent in between must still reach the backend, then its EOF.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void backendHalfClosesFirstAndStillReads(Case c) throws Exception {
        BlockingQueue<Long> received = new LinkedBlockingQueue<>();
        try (ProxyDataplane proxy = proxy(c); ServerSocket backend = new ServerSocket(0, 50, ip("127.79.4.2"))) {
            Thread.ofVirtual().start(() -> {
                while (!backend.isClosed()) {
                    try {
                        Socket s = backend.accept();
                        Thread.ofVirtual().start(() -> {
                            try (s) {
                                s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                                s.shutdownOutput();
                                received.add(s.getInputStream().transferTo(OutputStream.nullOutputStream()));
                            } catch (IOException e) {
                                received.add(-1L);
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            ListenKey key = key("127.79.4.1", Protocol.TCP);
            proxy.apply(state(listener(key, (InetSocketAddress) backend.getLocalSocketAddress())));
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket(key.address(), key.port())) {
                    s.setSoTimeout(10_000);
                    assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("hello");
                    s.getOutputStream().write(new byte[1 << 20]);
                }
                assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(1L << 20);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void noEndpointsResets(Case c) throws IOException {
        try (ProxyDataplane proxy = proxy(c)) {
            ListenKey key = key("127.79.0.4", Protocol.TCP);
            proxy.apply(state(listener(key)));
            assertThat(TestNet.refusal(key.socketAddress())).hasMessageContaining("reset");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void udpRoundTrip(Case c) throws IOException {
        try (ProxyDataplane proxy = proxy(c); DatagramSocket client = new DatagramSocket(0, ip("127.79.9.1"))) {
            ListenKey key = key("127.79.0.5", Protocol.UDP);
            proxy.apply(state(listener(key, echo.address())));
            client.setSoTimeout(5_000);
            for (String text : new String[] {"one", "two"}) {
                byte[] b = text.getBytes(StandardCharsets.US_ASCII);
                client.send(new DatagramPacket(b, b.length, key.socketAddress()));
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                client.receive(p);
                assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII)).isEqualTo(text);
                assertThat(p.getSocketAddress()).isEqualTo(key.socketAddress());
            }
        }
    }
}
