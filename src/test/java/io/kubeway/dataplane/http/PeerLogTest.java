package io.kubeway.dataplane.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.buffer.ByteBufUtil;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** A client that resets its connection costs one log line without a stack trace, and floods are cut short. */
class PeerLogTest {
    @Test
    void resetConnectionsLogOneLineEachWithoutStackTracesAndAreRateLimited() throws Exception {
        TestLogging.quiet();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        EchoServer echo = EchoServer.start(new InetSocketAddress(ip("127.82.1.1"), 0), "echo");
        try (ProxyFixture f = new ProxyFixture()) {
            f.hosts.put("echo", Fwd.to(echo.address()).router());
            ListenKey key = f.http("127.82.0.1", f.byHost);
            byte[] preface = ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf());
            for (int i = 0; i < 40; i++) {
                try (Socket s = new Socket(key.address(), key.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(preface);
                    out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
                    out.flush();
                    s.getInputStream().read(); // the server's SETTINGS: the connection is HTTP/2 now
                    s.setSoLinger(true, 0); // close with RST
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> peerLines(events).size() >= 5);
            Thread.sleep(200);
        } finally {
            root.detachAppender(events);
            echo.close();
        }
        List<ILoggingEvent> all = List.copyOf(events.list);
        assertThat(all).filteredOn(e -> e.getThrowableProxy() != null).as("log events with a stack trace").isEmpty();
        assertThat(peerLines(events).size()).as("rate-limited lines for 40 resets").isLessThan(40);
    }

    private static List<ILoggingEvent> peerLines(ListAppender<ILoggingEvent> events) {
        return List.copyOf(events.list).stream().filter(e -> e.getFormattedMessage().contains("reset by peer")
                || e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains("reset by peer"))
                .toList();
    }
}
