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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Backend TLS ({@code proxy-ssl-*}) with real TLS: a CA, backend and client certificates made with openssl, backends
 * that are {@code openssl s_server} requiring a client certificate ({@code -Verify}) and checking the SNI
 * ({@code -servername_fatal}). Verified, with the client certificate: 200. A backend whose certificate another CA
 * signed, or that names another host: 502. Without the client certificate: the backend refuses, 502. A missing
 * Secret: 503 and an event.
 */
class BackendTlsIT {
    static final String IP = "127.0.213.1";
    static final String GOOD_IP = "127.0.213.2";
    static final String ROGUE_IP = "127.0.213.3";

    @TempDir
    Path tmp;
    Harness h;
    final List<Process> backends = new ArrayList<>();
    int http;
    int backendPort;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(SslPassthroughIT.run(tmp, "openssl", "version").startsWith("OpenSSL"), "openssl is not installed");
        http = FreePorts.first(FreePorts.range(2));
        backendPort = http + 1;
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=Backend CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue-ca.key", "-out", "rogue-ca.crt",
                "-days", "2", "-subj", "/CN=Rogue CA");
        signed("backend", "/CN=backend.internal", "ca", "subjectAltName=DNS:backend.internal");
        signed("rogue", "/CN=backend.internal", "rogue-ca", "subjectAltName=DNS:backend.internal");
        signed("client", "/CN=kubeway", "ca", "extendedKeyUsage=clientAuth");
        backends.add(sServer(GOOD_IP, "backend"));
        backends.add(sServer(ROGUE_IP, "rogue"));
        await().atMost(Duration.ofSeconds(10)).until(() -> canConnect(GOOD_IP) && canConnect(ROGUE_IP));

        h = new Harness(tmp, "127.213.0.0/16", "127.214.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http), null);
        StringBuilder yaml = new StringBuilder();
        yaml.append(pod("good-1", "{app: good}", GOOD_IP, "[{name: https, containerPort: " + backendPort + "}]", true));
        yaml.append(pod("rogue-1", "{app: rogue}", ROGUE_IP, "[{name: https, containerPort: " + backendPort + "}]",
                true));
        yaml.append("""
                apiVersion: v1
                kind: Service
                metadata: {name: good}
                spec:
                  selector: {app: good}
                  ports: [{name: https, port: 443, targetPort: https}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: rogue}
                spec:
                  selector: {app: rogue}
                  ports: [{name: https, port: 443, targetPort: https}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: backend-client}
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                  ca.crt: %s
                ---
                """.formatted(b64("client.crt"), b64("client.key"), b64("ca.crt")));
        yaml.append(ingress("verified", "good", "backend-client", "on", "backend.internal", "on"));
        yaml.append(ingress("rogue", "rogue", "backend-client", "on", "backend.internal", "on"));
        yaml.append(ingress("wrong-name", "good", "backend-client", "on", "other.internal", "off"));
        yaml.append(ingress("no-client-cert", "good", null, "off", "backend.internal", "on"));
        yaml.append(ingress("missing", "good", "no-such-secret", "on", "backend.internal", "on"));
        h.write("app.yaml", yaml.toString());
        h.start();
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        backends.forEach(Process::destroyForcibly);
    }

    @Test
    void verifiedBackendsAnswerAndEverythingElseFailsClosed() throws Exception {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("verified.example.com")).startsWith("HTTP/1.1 200").contains("s_server"));
        assertThat(get("rogue.example.com")).startsWith("HTTP/1.1 502");
        assertThat(get("wrong-name.example.com")).startsWith("HTTP/1.1 502");
        assertThat(get("no-client-cert.example.com")).startsWith("HTTP/1.1 502");
        assertThat(get("missing.example.com")).startsWith("HTTP/1.1 503");
        assertThat(h.events("missing").stream().map(Event::getMessage).toList()).anySatisfy(m ->
                assertThat(m).contains("no-such-secret not found").contains("503"));
    }

    private static String ingress(String name, String service, String secret, String verify, String sslName,
                                  String sni) {
        StringBuilder a = new StringBuilder();
        a.append("    nginx.ingress.kubernetes.io/backend-protocol: HTTPS\n");
        if (secret != null) a.append("    nginx.ingress.kubernetes.io/proxy-ssl-secret: default/").append(secret).append('\n');
        a.append("    nginx.ingress.kubernetes.io/proxy-ssl-verify: \"").append(verify).append("\"\n");
        if (sslName != null) a.append("    nginx.ingress.kubernetes.io/proxy-ssl-name: ").append(sslName).append('\n');
        a.append("    nginx.ingress.kubernetes.io/proxy-ssl-server-name: \"").append(sni).append("\"\n");
        a.append("    nginx.ingress.kubernetes.io/proxy-ssl-verify-depth: \"1\"\n");
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations:
                %s
                spec:
                  rules:
                  - host: %s.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 443}}}}
                ---
                """.formatted(name, a.toString().stripTrailing(), name, service);
    }

    private String get(String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Process sServer(String ip, String cert) throws IOException {
        return new ProcessBuilder("openssl", "s_server", "-accept", ip + ":" + backendPort, "-cert", cert + ".crt",
                "-key", cert + ".key", "-cert2", cert + ".crt", "-key2", cert + ".key", "-Verify", "1", "-CAfile", "ca.crt", "-servername", "backend.internal",
                "-servername_fatal", "-www").directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(cert + "-s_server.log").toFile()).start();
    }

    private void signed(String name, String subject, String ca, String ext) throws Exception {
        Files.writeString(tmp.resolve(name + ".ext"), ext + "\n");
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", subject);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        SslPassthroughIT.run(tmp, cmd.toArray(String[]::new));
    }

    private String b64(String file) throws IOException {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(tmp.resolve(file)));
    }

    private boolean canConnect(String ip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(ip), backendPort), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
