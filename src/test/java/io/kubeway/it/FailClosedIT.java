package io.kubeway.it;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kubeway.it.Harness.pod;
import static io.kubeway.it.HttpClientSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fail closed with real traffic: an Ingress whose access restriction Kubeway cannot honour answers 503 through the
 * Ingress listener, and the backend (a real HTTP server counting what it receives) sees none of those requests;
 * the Warning event names the annotation, the Ingress and its file.
 */
class FailClosedIT {
    static final String IP = "127.0.61.1";
    static final int HTTP = 18180;
    static final String BACKEND_IP = "127.0.23.1";
    static final String CANARY_IP = "127.0.23.2";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    HttpServer backend;
    HttpServer canaryBackend;
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger canaryReceived = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.105.0.0/16", "127.106.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), HTTP), null);
        backend = countingBackend(BACKEND_IP, "vault-1", received);
        canaryBackend = countingBackend(CANARY_IP, "vault-canary-1", canaryReceived);
        h.write("backends.yaml", pod("vault-1", "{app: vault}", BACKEND_IP, "[{name: http, containerPort: 8080}]", true)
                + pod("vault-canary-1", "{app: vault-canary}", CANARY_IP, "[{name: http, containerPort: 8080}]", true)
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: vault}
                spec:
                  selector: {app: vault}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: vault-canary}
                spec:
                  selector: {app: vault-canary}
                  ports: [{name: http, port: 80, targetPort: http}]
                """);
    }

    /** A real HTTP backend that counts the requests it receives and names itself in its answer. */
    private static HttpServer countingBackend(String ip, String name, AtomicInteger count) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(IpLiterals.of(ip), 8080), 16);
        server.createContext("/", exchange -> {
            count.incrementAndGet();
            byte[] body = ("{\"backend\": \"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterEach
    void tearDown() {
        h.close();
        backend.stop(0);
        canaryBackend.stop(0);
    }

    private static String ingress(String name, String host, String annotations) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  annotations: {%s}
                spec:
                  rules:
                  - host: %s
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: vault, port: {name: http}}}}
                """.formatted(name, annotations, host);
    }

    @Test
    void unhonouredRestrictionsAnswer503AndNeverReachTheBackend() throws Exception {
        h.write("open.yaml", ingress("open", "open.example.com", ""));
        h.write("guarded.yaml", ingress("guarded", "guarded.example.com",
                N + "auth-proxy-set-headers: ingress-nginx/auth-headers"));
        h.write("typo.yaml", ingress("typo", "typo.example.com", N + "whitelist-source-range: \"127.0.0.1, 127.0.0.300\""));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, HTTP, "open.example.com", "/").backend()).isEqualTo("vault-1"));
        int before = received.get();
        assertThat(before).as("the backend works through an open Ingress").isPositive();

        for (String host : List.of("guarded.example.com", "typo.example.com")) {
            for (String path : List.of("/", "/secret", "/nothing/matches/this")) {
                HttpClientSupport.Response r = get(IP, HTTP, host, path);
                assertThat(r.status()).as(host + path).isEqualTo(503);
                assertThat(r.body()).isEqualTo("503 Service Temporarily Unavailable");
            }
        }
        assertThat(received.get()).as("requests the backend saw through the closed Ingresses").isEqualTo(before);

        String guarded = "annotation " + N + "auth-proxy-set-headers is not supported by kubeway; it restricts access, "
                + "so this Ingress's routes answer 503 (fail closed) (" + h.manifests.resolve("guarded.yaml") + ")";
        String typo = "annotation " + N + "whitelist-source-range: invalid value \"127.0.0.300\": not a CIDR or IP "
                + "address; it restricts access, so this Ingress's routes answer 503 (fail closed) ("
                + h.manifests.resolve("typo.yaml") + ")";
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(h.events("guarded")).extracting(Event::getType, Event::getReason, Event::getMessage)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "UnsupportedAnnotation", guarded));
            assertThat(h.events("typo")).extracting(Event::getType, Event::getReason, Event::getMessage)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("Warning", "InvalidAnnotation", typo));
        });
        assertThat(h.events("open")).isEmpty();
    }

    @Test
    void aCanaryWithAnUnhonouredRestrictionIsNeverUsed() throws Exception {
        h.write("main.yaml", ingress("main", "app.example.com", ""));
        h.write("canary.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: canary
                  annotations:
                    nginx.ingress.kubernetes.io/canary: "true"
                    nginx.ingress.kubernetes.io/canary-by-header: X-Canary
                    nginx.ingress.kubernetes.io/auth-type: basic
                spec:
                  rules:
                  - host: app.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: vault-canary, port: {name: http}}}}
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, HTTP, "app.example.com", "/").backend()).isEqualTo("vault-1"));
        for (int i = 0; i < 5; i++) {
            String answer = raw("GET /x HTTP/1.1\r\nHost: app.example.com\r\nX-Canary: always\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(answer).as("a request asking for the canary").startsWith("HTTP/1.1 200")
                    .contains("\"backend\": \"vault-1\"");
        }
        assertThat(canaryReceived.get()).as("requests the canary's backend saw").isZero();
        String message = "annotation " + N + "auth-type needs " + N + "auth-secret; it restricts access, so requests "
                + "are never sent to this canary's backend (fail closed) (" + h.manifests.resolve("canary.yaml") + ")";
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("canary"))
                .extracting(Event::getReason, Event::getMessage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("InvalidAnnotation", message)));
    }

    /** One raw HTTP/1.1 exchange on a new connection; the whole answer (the request says Connection: close). */
    private static String raw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(IpLiterals.of(IP), HTTP), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
