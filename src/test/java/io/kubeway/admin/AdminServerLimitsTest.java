package io.kubeway.admin;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.Serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin API under a misbehaving client, over real sockets: slow or abandoned request heads, too many
 * connections, foreign Host headers (DNS rebinding) and HEAD requests.
 */
class AdminServerLimitsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Socket> sockets = new ArrayList<>();
    private AdminServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    @Test
    void partialRequestHeadsHeldOpenDoNotDelayHealthz() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry);
        for (int i = 0; i < 4; i++) {
            Socket slow = connect();
            slow.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(
                    StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
        }

        // a generous bound on a read, not a speed assertion: before the fix this waited for minutes
        String response = exchange(connect(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nok");
    }

    @Test
    void aRequestHeadTrickledTooSlowlyIsCutOff() throws Exception {
        server = start(new AdminLimits(8, ms(300), Duration.ofSeconds(30), 4096, 8192, 1024));
        Socket slow = connect();
        slow.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(readToEnd(slow.getInputStream())).as("closed without an answer").isEmpty();
        assertThat(refused("timeout")).isEqualTo(1.0);
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeoutAlsoBetweenRequests() throws Exception {
        server = start(new AdminLimits(8, Duration.ofSeconds(30), ms(300), 4096, 8192, 1024));
        Socket idle = connect();
        assertThat(readToEnd(idle.getInputStream())).isEmpty();

        Socket kept = connect();
        kept.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readToEnd(kept.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok");
    }

    @Test
    void connectionsOverTheCapAreRefusedWith503AndFreedSlotsServeAgain() throws Exception {
        server = start(new AdminLimits(3, Duration.ofSeconds(30), Duration.ofSeconds(30), 4096, 8192, 1024));
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect());
        }
        // the third connection is counted once the server has accepted it: one answered request proves that
        assertThat(exchangeKeepAlive(held.get(2), "/healthz")).startsWith("HTTP/1.1 200");

        String refused = readToEnd(connect().getInputStream());
        assertThat(refused).startsWith("HTTP/1.1 503").contains("too many admin API connections (limit 3)");
        assertThat(refused("connections")).isEqualTo(1.0);

        held.get(0).close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                exchange(connect(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200"));
    }

    @Test
    void aForeignHostIsRefusedWith403AndLoopbackNamesAreServed() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry);
        int port = server.address().getPort();

        String evil = exchange(connect(), "GET /api/v1/services HTTP/1.1\r\nHost: evil.example:" + port
                + "\r\nConnection: close\r\n\r\n");
        assertThat(evil).startsWith("HTTP/1.1 403").doesNotContain("\"items\"");
        Status status = Serialization.unmarshal(evil.substring(evil.indexOf("\r\n\r\n") + 4), Status.class);
        assertThat(status.getReason()).isEqualTo("Forbidden");
        assertThat(status.getMessage()).contains("Host \"evil.example:" + port + "\" is not allowed");
        assertThat(refused("host")).isEqualTo(1.0);

        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "localhost", "kubeway.localhost",
                "[::1]:" + port, "127.9.9.9")) {
            assertThat(exchange(connect(), "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"))
                    .as(host).startsWith("HTTP/1.1 200");
        }
        assertThat(exchange(connect(), "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"))
                .as("HTTP/1.1 requires Host").startsWith("HTTP/1.1 403");
        assertThat(exchange(connect(), "GET /healthz HTTP/1.0\r\n\r\n"))
                .as("HTTP/1.0 may omit it").startsWith("HTTP/1.1 200");
    }

    @Test
    void headAnswersLikeGetWithoutTheBody() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry);

        String healthz = exchange(connect(), "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(healthz).startsWith("HTTP/1.1 200").contains("content-length: 2\r\n").endsWith("\r\n\r\n");

        String get = exchange(connect(), "GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        String head = exchange(connect(), "HEAD /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(head).isEqualTo(get.substring(0, get.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry);
        Socket s = connect();
        assertThat(exchangeKeepAlive(s, "/healthz")).startsWith("HTTP/1.1 200");
        assertThat(exchangeKeepAlive(s, "/readyz")).startsWith("HTTP/1.1 200");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        server = new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry);
        String three = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "HEAD /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

        assertThat(exchange(connect(), three)).matches("(?s)HTTP/1.1 200.*\r\n\r\nok"
                + "HTTP/1.1 200.*\r\n\r\nHTTP/1.1 200.*\r\n\r\nok");
    }

    @Test
    void aClientThatPipelinesAndNeverReadsIsCutOff() throws Exception {
        server = start(new AdminLimits(8, Duration.ofSeconds(30), ms(500), 4096, 8192, 1024));
        Socket greedy = new Socket();
        sockets.add(greedy);
        greedy.setReceiveBufferSize(4096);
        greedy.connect(server.address(), 2000);
        byte[] requests = "GET /api/v1/services HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(5000)
                .getBytes(StandardCharsets.US_ASCII);
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                greedy.getOutputStream().write(requests); // blocks once the server stops reading
            } catch (IOException e) {
                // cut off: what this test expects
            }
        });

        // answers pile up unread: the server stops reading, then closes (too many unwritten answers, or the
        // idle timeout bounding a write) instead of buffering without limit
        await().atMost(Duration.ofSeconds(20)).until(() -> refused("pipelined") + refused("timeout") >= 1);
        writer.join(5000);
        assertThat(writer.isAlive()).as("the writer was cut off").isFalse();
    }

    @Test
    void anOversizedHeadIsAnswered431AndClosed() throws Exception {
        server = start(new AdminLimits(8, Duration.ofSeconds(30), Duration.ofSeconds(30), 4096, 1024, 1024));

        String response = exchange(connect(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + "a".repeat(2000) + "\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 431");
    }

    private AdminServer start(AdminLimits limits) {
        return new AdminServer(new InetSocketAddress("127.0.0.1", 0), () -> AdminFixtures.view(true), registry,
                limits);
    }

    private double refused(String reason) {
        var counter = registry.find("kubeway_admin_refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** One GET on a kept-alive connection; returns head and body (read by Content-Length). */
    static String exchangeKeepAlive(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(server.address(), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Writes {@code request} and reads until the server closes the connection. */
    static String exchange(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readToEnd(s.getInputStream());
    }

    static String readToEnd(InputStream in) throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no complete answer within the socket timeout", e);
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
