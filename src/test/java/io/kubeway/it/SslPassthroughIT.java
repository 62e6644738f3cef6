package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ssl-passthrough} with real TLS: the backend is {@code openssl s_server} with a certificate made by the test
 * that Kubeway never sees; {@code openssl s_client -servername} through the HTTPS listener gets the backend's
 * certificate and its answer for the passthrough host, and Kubeway's own termination for any other name. Without
 * {@code --enable-ssl-passthrough} the annotation is reported and the host is terminated.
 */
class SslPassthroughIT {
    static final String IP = "127.0.211.1";
    static final String BACKEND_IP = "127.0.211.2";

    @TempDir
    Path tmp;
    Harness h;
    Process backend;
    int https;
    int backendPort;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(run(tmp, "openssl", "version").startsWith("OpenSSL"), "openssl is not installed");
        int[] ports = {FreePorts.first(FreePorts.range(2))};
        https = ports[0];
        backendPort = ports[0] + 1;
        run(tmp, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "backend.key", "-out",
                "backend.crt", "-days", "2", "-subj", "/CN=backend-only.test");
        backend = new ProcessBuilder("openssl", "s_server", "-accept", BACKEND_IP + ":" + backendPort, "-cert",
                "backend.crt", "-key", "backend.key", "-www").directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("s_server.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> canConnect(BACKEND_IP, backendPort));
        h = new Harness(tmp, "127.211.0.0/16", "127.212.0.0/24");
        h.write("app.yaml", pod("secure-1", "{app: secure}", BACKEND_IP, "[{name: https, containerPort: "
                + backendPort + "}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: secure}
                spec:
                  selector: {app: secure}
                  ports: [{name: https, port: 443, targetPort: https}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: secure
                  annotations:
                    nginx.ingress.kubernetes.io/ssl-passthrough: "true"
                    nginx.ingress.kubernetes.io/proxy-body-size: 8m
                spec:
                  rules:
                  - host: pass.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: secure, port: {number: 443}}}}
                      - {path: /api, pathType: Prefix, backend: {service: {name: secure, port: {number: 443}}}}
                """);
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        if (backend != null) backend.destroyForcibly();
    }

    private void start(boolean passthrough) {
        h.ingress = IngressSettings.defaults(null, new InetSocketAddress(IpLiterals.of(IP), https))
                .withSslPassthrough(passthrough);
        h.start();
    }

    @Test
    void thePassthroughHostSeesTheBackendsCertificateAndOtherNamesAreTerminated() throws Exception {
        start(true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(sClient("pass.example.com")).contains("backend-only.test"));
        String passed = sClient("pass.example.com");
        // the backend's certificate, and the backend (s_server -www) answering the request
        assertThat(passed).contains("subject=CN = backend-only.test").contains("s_server");
        String terminated = sClient("other.example.com");
        assertThat(terminated).doesNotContain("backend-only.test").contains("O = Kubeway")
                .contains("default backend - 404");
        // what ingress-nginx ignores for passthrough is reported
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("paths [/api]").contains("ignored for "
                + "passthrough"));
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("proxy-body-size").contains("no effect"));
    }

    @Test
    void withoutTheFlagTheAnnotationIsReportedAndTlsIsTerminated() throws Exception {
        start(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages()).anySatisfy(m ->
                assertThat(m).contains("needs --enable-ssl-passthrough")));
        String out = sClient("pass.example.com");
        assertThat(out).doesNotContain("backend-only.test").contains("O = Kubeway");
    }

    private List<String> messages() {
        return h.events("secure").stream().map(Event::getMessage).toList();
    }

    /** {@code openssl s_client -servername name}, sending one HTTP/1.0 GET; everything it printed. */
    private String sClient(String name) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", IP + ":" + https, "-servername", name,
                "-ign_eof").redirectErrorStream(true).start();
        p.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + name + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static boolean canConnect(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(ip), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).directory(dir.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
