package io.kubeway.it;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.Htpasswd;
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
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Basic authentication with real traffic through the Ingress listener: users made with Debian's htpasswd in every
 * format it writes, the Secret read from the manifests, 401 with the realm, the Authorization header forwarded as
 * nginx forwards it, a missing Secret closing the routes (503 + event) until it appears, and a rotated password.
 */
class BasicAuthIT {
    static final String IP = "127.0.147.1";
    static final String BACKEND_IP = "127.0.147.2";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    HttpServer backend;
    int http;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Htpasswd.assumeInstalled();
        http = io.kubeway.testing.FreePorts.first(io.kubeway.testing.FreePorts.range(1));
        h = new Harness(tmp, "127.147.0.0/16", "127.148.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http), null);
        backend = HttpServer.create(new InetSocketAddress(IpLiterals.of(BACKEND_IP), 8080), 16);
        backend.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(auth == null ? "-" : auth);
            byte[] body = "{\"backend\": \"vault-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        h.write("backend.yaml", pod("vault-1", "{app: vault}", BACKEND_IP, "[{name: http, containerPort: 8080}]", true)
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: vault}
                spec:
                  selector: {app: vault}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: vault
                  annotations:
                    nginx.ingress.kubernetes.io/auth-type: basic
                    nginx.ingress.kubernetes.io/auth-secret: vault-users
                    nginx.ingress.kubernetes.io/auth-realm: "Vault - sign in"
                spec:
                  rules:
                  - host: vault.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: vault, port: {name: http}}}}
                """);
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        if (backend != null) backend.stop(0);
    }

    private void writeUsers(String htpasswdFile) throws IOException {
        h.write("users.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: vault-users}
                data:
                  auth: %s
                """.formatted(Base64.getEncoder().encodeToString(htpasswdFile.getBytes(StandardCharsets.UTF_8))));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One GET on a new connection; the whole answer. */
    private String get(String path, String authorization) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            socket.setSoTimeout(5000);
            String req = "GET " + path + " HTTP/1.1\r\nHost: vault.example.com\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
            socket.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void htpasswdUsersGetThroughAndEveryoneElseGets401() throws Exception {
        h.start();
        // No Secret yet: ingress-nginx denies the location; so does Kubeway, and says why.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("/", basic("alice", "wonderland"))).startsWith("HTTP/1.1 503"));
        String missing = "annotation " + N + "auth-secret: secret default/vault-users does not exist; it restricts "
                + "access, so this Ingress's routes answer 503 (fail closed) (" + h.manifests.resolve("backend.yaml")
                + ")";
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("vault"))
                .extracting(Event::getReason, Event::getMessage)
                .contains(org.assertj.core.groups.Tuple.tuple("InvalidAnnotation", missing)));
        assertThat(seen).isEmpty();

        String[][] users = {{"-B", "alice", "wonderland"}, {"-m", "bob", "builder"}, {"-s", "carol", "singer"},
                {"-d", "dave", "dave1"}, {"-2", "erin", "sha-256"}, {"-5", "frank", "sha-512"}};
        StringBuilder file = new StringBuilder();
        for (String[] u : users) file.append(Htpasswd.line(u[0], u[1], u[2])).append('\n');
        writeUsers(file.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/", null)).startsWith("HTTP/1.1 401"));

        String denied = get("/secret", null);
        assertThat(denied).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Basic realm=\"Vault - sign in\"");
        assertThat(get("/secret", basic("alice", "wrong"))).startsWith("HTTP/1.1 401")
                .contains("WWW-Authenticate: Basic realm=\"Vault - sign in\"");
        assertThat(get("/secret", basic("mallory", "wonderland"))).startsWith("HTTP/1.1 401");
        assertThat(get("/secret", "Bearer token")).startsWith("HTTP/1.1 401");
        assertThat(seen).as("the backend never saw a refused request").isEmpty();

        for (String[] u : users) {
            for (int i = 0; i < 2; i++) { // the second time from the verification cache
                String answer = get("/secret", basic(u[1], u[2]));
                assertThat(answer).as(u[1] + " (" + u[0] + ")").startsWith("HTTP/1.1 200").contains("vault-1");
            }
            assertThat(get("/secret", basic(u[1], u[2] + "x"))).as(u[1] + " wrong")
                    .startsWith("HTTP/1.1 401");
        }
        // nginx's auth_basic leaves the Authorization header to the proxy, which forwards it.
        assertThat(seen).hasSize(users.length * 2).contains(basic("alice", "wonderland"), basic("frank", "sha-512"));

        // A rotated password: the old one (verified a moment ago, so cached) no longer opens.
        writeUsers(Htpasswd.line("-B", "alice", "looking-glass") + "\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/", basic("alice", "looking-glass"))).startsWith("HTTP/1.1 200"));
        assertThat(get("/", basic("alice", "wonderland"))).startsWith("HTTP/1.1 401");
        assertThat(get("/", basic("bob", "builder"))).startsWith("HTTP/1.1 401");
    }
}
