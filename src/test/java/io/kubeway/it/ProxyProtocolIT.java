package io.kubeway.it;

import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.kubeway.it.Harness.ingress;
import static io.kubeway.it.Harness.webService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code use-proxy-protocol} with real PROXY clients: v1 and v2 headers written on a socket (HTTP and HTTPS), and
 * curl's {@code --haproxy-protocol}. The backend (a real echo server) shows the client address Kubeway took from
 * the header in X-Forwarded-For and X-Real-IP; block-cidrs acts on it; a connection without a header is closed;
 * a header from a peer outside {@code proxy-real-ip-cidr} is read and ignored.
 */
class ProxyProtocolIT {
    static final String IP = "127.0.88.1";
    static final int HTTP = 18191;
    static final int HTTPS = 18192;
    static final String BACKEND_IP = "127.0.88.20";

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.109.0.0/16", "127.110.0.0/24");
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), HTTP),
                new InetSocketAddress(IpLiterals.of(IP), HTTPS), null, null, List.of(), List.of(), "text", false,
                List.of(), false, "ingress-nginx/ingress-nginx-controller");
        h.backend(BACKEND_IP, 8080, "web-1");
        h.write("app.yaml", webService(BACKEND_IP)
                + ingress("web", "web.example.com", "web", Map.of(), "/"));
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void configMap(String data) throws IOException {
        h.controllerConfigMap(data);
    }

    @Test
    void v1AndV2HeadersGiveTheClientAddress() throws Exception {
        configMap("""
                use-proxy-protocol: "true"
                block-cidrs: 198.51.100.0/24
                log-format-upstream: '$remote_addr $status $request_uri [$namespace/$ingress_name] ${upstream_status}'
                """);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> access =
                new ch.qos.logback.core.read.ListAppender<>();
        access.start();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kubeway.access")).addAppender(access);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(plain(v1("203.0.113.7"))).contains("\"x-real-ip\":\"203.0.113.7\""));
        String v1 = plain(v1("203.0.113.7"));
        assertThat(v1).startsWith("HTTP/1.1 200").contains("\"x-forwarded-for\":\"203.0.113.7\"");
        assertThat(plain(v1("198.51.100.9"))).as("block-cidrs sees the PROXY address").startsWith("HTTP/1.1 403");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(access.list)
                .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .contains("203.0.113.7 200 /who [default/web] 200", "198.51.100.9 403 /who [-/-] -"));
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.kubeway.access")).detachAppender(access);
        String v2 = plain(v2(new byte[] {(byte) 192, 0, 2, 44}));
        assertThat(v2).startsWith("HTTP/1.1 200").contains("\"x-real-ip\":\"192.0.2.44\"");
        String tls = tls(v2(new byte[] {(byte) 192, 0, 2, 45}));
        assertThat(tls).startsWith("HTTP/1.1 200").contains("\"x-real-ip\":\"192.0.2.45\"")
                .contains("\"x-forwarded-proto\":\"https\"");
        assertThat(plain(new byte[0])).as("no PROXY header: closed without an answer").isEmpty();

        configMap("""
                use-proxy-protocol: "true"
                proxy-real-ip-cidr: 10.0.0.0/8
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(plain(v1("203.0.113.7")))
                .as("a header from a peer outside proxy-real-ip-cidr is ignored")
                .contains("\"x-real-ip\":\"127.0.0.1\""));

        configMap("""
                use-proxy-protocol: "false"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(plain(new byte[0])).as("off again: plain HTTP").startsWith("HTTP/1.1 200"));
    }

    @Test
    void curlHaproxyProtocol() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(),
                "curl is not installed (apt-get install curl; scripts/test.sh installs it when run as root)");
        configMap("""
                use-proxy-protocol: "true"
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(plain(v1("203.0.113.7"))).startsWith("HTTP/1.1 200"));
        Process p = new ProcessBuilder("curl", "-s", "--max-time", "5", "--haproxy-protocol", "-H",
                "Host: web.example.com", "http://" + IP + ":" + HTTP + "/curl").redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).contains("\"backend\":\"web-1\"").contains("\"path\":\"/curl\"")
                .contains("\"x-real-ip\":\"127.0.0.1\"");
        Process without = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "-H", "Host: web.example.com", "http://" + IP + ":" + HTTP + "/").redirectErrorStream(true).start();
        assertThat(without.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(without.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .as("curl without the header gets no answer").isEqualTo("000");
    }

    private static byte[] v1(String client) {
        return ("PROXY TCP4 " + client + " " + IP + " 40000 " + HTTP + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A PROXY v2 header: PROXY command, TCP over IPv4, from {@code client}:40000. */
    private static byte[] v2(byte[] client) {
        ByteBuffer b = ByteBuffer.allocate(16 + 12);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        b.put(client).put(new byte[] {127, 0, 88, 1}).putShort((short) 40000).putShort((short) HTTP);
        return b.array();
    }

    private static final byte[] REQUEST = ("GET /who HTTP/1.1\r\nHost: web.example.com\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** {@code header} then one request over plain HTTP; the whole answer ("" when closed without one). */
    private static String plain(byte[] header) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), HTTP), 2000);
            s.setSoTimeout(8000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(header);
            out.write(REQUEST);
            s.getOutputStream().write(out.toByteArray());
            try {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.net.SocketException e) { // reset: closed without an answer
                return "";
            }
        }
    }

    /** {@code header} in clear, then TLS and one request. */
    private static String tls(byte[] header) throws IOException {
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(IpLiterals.of(IP), HTTPS), 2000);
            raw.setSoTimeout(8000);
            raw.getOutputStream().write(header);
            try (SSLSocket s = (SSLSocket) HttpClientSupport.trustAll().getSocketFactory()
                    .createSocket(raw, "web.example.com", HTTPS, false)) {
                SSLParameters params = s.getSSLParameters();
                params.setServerNames(List.of(new SNIHostName("web.example.com")));
                s.setSSLParameters(params);
                s.startHandshake();
                s.getOutputStream().write(REQUEST);
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
