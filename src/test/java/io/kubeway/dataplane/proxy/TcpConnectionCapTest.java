package io.kubeway.dataplane.proxy;

import io.kubeway.core.Protocol;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static io.kubeway.dataplane.proxy.TestNet.key;
import static io.kubeway.dataplane.proxy.TestNet.listener;
import static io.kubeway.dataplane.proxy.TestNet.state;
import static org.assertj.core.api.Assertions.assertThat;

/** A TCP listener holds at most {@code maxClientConnections} clients; past it new ones are reset at accept. */
class TcpConnectionCapTest {
    @Test
    void connectionsPastTheCapAreResetAndTheSlotComesBack() throws IOException {
        EchoServer echo = EchoServer.start(new InetSocketAddress(ip("127.77.9.1"), 0), "a");
        ProxyDataplane proxy = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(1).withMaxClientConnections(2),
                new SimpleMeterRegistry(), new FakeClock());
        try {
            ListenKey key = key("127.77.9.2", Protocol.TCP);
            assertThat(proxy.apply(state(listener(key, echo.address())))).isEmpty();
            try (Socket a = open(key); Socket b = open(key)) {
                assertThat(echoes(a)).isTrue();
                assertThat(echoes(b)).isTrue();
                try (Socket c = open(key)) {
                    assertThat(echoes(c)).as("a third connection is refused").isFalse();
                }
                assertThat(echoes(a)).isTrue();
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
                try (Socket d = open(key)) {
                    return echoes(d);
                }
            });
        } finally {
            proxy.close();
            echo.close();
        }
    }

    private static Socket open(ListenKey key) throws IOException {
        Socket s = new Socket(key.address(), key.port());
        s.setSoTimeout(5_000);
        return s;
    }

    /** Whether bytes sent come back (false if the proxy reset or closed the connection). */
    private static boolean echoes(Socket s) throws IOException {
        try {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[5];
            int n = 0;
            while (n < 5) {
                int r = in.read(buf, n, 5 - n);
                if (r < 0) return false;
                n += r;
            }
            return new String(buf, StandardCharsets.US_ASCII).equals("ping\n");
        } catch (SocketException e) {
            return false;
        }
    }
}
