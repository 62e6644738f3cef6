package io.kubeway.it;

import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.kubeway.it.Harness.ingress;
import static io.kubeway.it.Harness.webService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller ConfigMap's {@code forwarded-for-header} with raw sockets from two loopback addresses, one inside
 * {@code proxy-real-ip-cidr} and one outside, and the echo backend showing what arrived: from the trusted peer the
 * client address is the named header's (X-Real-IP and, as ingress-nginx's {@code $remote_addr}, X-Forwarded-For),
 * from the other peer the header is ignored; access rules see the same address; a live edit back to the default
 * reads X-Forwarded-For again.
 */
class ForwardedForHeaderIT {
    static final String IP = "127.0.94.1";
    static final int HTTP = 18195;
    static final String BACKEND_IP = "127.0.94.20";
    static final String TRUSTED = "127.0.96.5";
    static final String STRANGER = "127.0.97.5";
    static final String HEADERS = "CF-Connecting-IP: 203.0.113.7\r\nX-Forwarded-For: 198.51.100.1\r\n";

    @TempDir
    Path tmp;
    Harness h;

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
    }

    @Test
    void theNamedHeaderGivesTheClientFromTrustedPeersOnly() throws Exception {
        h = new Harness(tmp, "127.119.0.0/16", "127.120.0.0/24");
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), HTTP), null, null,
                null, List.of(), List.of(), "off", false, List.of(), false, "ingress-nginx/ingress-nginx-controller");
        h.backend(BACKEND_IP, 8080, "web-1");
        configMap("""
                forwarded-for-header: CF-Connecting-IP
                """);
        h.write("app.yaml", webService(BACKEND_IP)
                + ingress("web", "web.example.com", "web", Map.of(), "/"));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(request(TRUSTED, HEADERS)).as("without use-forwarded-headers no header is believed")
                        .contains("\"x-real-ip\":\"" + TRUSTED + "\"")
                        .contains("\"x-forwarded-for\":\"" + TRUSTED + "\""));

        configMap("""
                use-forwarded-headers: "true"
                proxy-real-ip-cidr: "127.0.96.0/24"
                forwarded-for-header: CF-Connecting-IP
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(request(TRUSTED, HEADERS))
                .as("trusted peer: CF-Connecting-IP, not X-Forwarded-For")
                .contains("\"x-real-ip\":\"203.0.113.7\"").contains("\"x-forwarded-for\":\"203.0.113.7\""));
        assertThat(request(STRANGER, HEADERS)).as("untrusted peer: the header is ignored")
                .contains("\"x-real-ip\":\"" + STRANGER + "\"").contains("\"x-forwarded-for\":\"" + STRANGER + "\"");
        assertThat(request(TRUSTED, "CF-Connecting-IP: 10.1.1.1, 203.0.113.9\r\n"))
                .as("a list is walked from the right, as nginx's real_ip_recursive")
                .contains("\"x-real-ip\":\"203.0.113.9\"");
        assertThat(request(TRUSTED, "X-Forwarded-For: 198.51.100.1\r\n")).as("no CF-Connecting-IP: the peer")
                .contains("\"x-real-ip\":\"" + TRUSTED + "\"");

        // ingress-nginx's $full_x_forwarded_for: the X-Forwarded-For received plus the peer; X-Real-IP the client.
        configMap("""
                use-forwarded-headers: "true"
                proxy-real-ip-cidr: "127.0.96.0/24"
                forwarded-for-header: CF-Connecting-IP
                compute-full-forwarded-for: "true"
                whitelist-source-range: "203.0.113.0/24"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(request(TRUSTED, HEADERS))
                .contains("\"x-forwarded-for\":\"198.51.100.1, " + TRUSTED + "\"")
                .contains("\"x-real-ip\":\"203.0.113.7\""));
        assertThat(request(TRUSTED, "CF-Connecting-IP: 192.0.2.1\r\n")).as("access rules see the same client")
                .startsWith("HTTP/1.1 403");
        assertThat(request(STRANGER, HEADERS)).startsWith("HTTP/1.1 403");

        configMap("""
                use-forwarded-headers: "true"
                proxy-real-ip-cidr: "127.0.96.0/24"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(request(TRUSTED, HEADERS))
                .as("back to the default: X-Forwarded-For").contains("\"x-real-ip\":\"198.51.100.1\""));
    }

    private void configMap(String data) throws IOException {
        h.controllerConfigMap("ssl-redirect: \"false\"\n" + data);
    }

    /** One GET from {@code source} on a new connection; the response head and body. */
    private static String request(String source, String headers) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(IpLiterals.of(source), 0));
            s.connect(new InetSocketAddress(IpLiterals.of(IP), HTTP), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: web.example.com\r\nConnection: close\r\n" + headers
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
