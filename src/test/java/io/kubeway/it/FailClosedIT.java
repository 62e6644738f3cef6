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
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    HttpServer backend;
    final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.105.0.0/16", "32200-32299", "127.106.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), HTTP), null);
        backend = HttpServer.create(new InetSocketAddress(IpLiterals.of(BACKEND_IP), 8080), 16);
        backend.createContext("/", exchange -> {
            received.incrementAndGet();
            byte[] body = "{\"backend\": \"vault-1\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        h.write("backends.yaml", pod("vault-1", "{app: vault}", BACKEND_IP, "[{name: http, containerPort: 8080}]", true)
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: vault}
                spec:
                  selector: {app: vault}
                  ports: [{name: http, port: 80, targetPort: http}]
                """);
    }

    @AfterEach
    void tearDown() {
        h.close();
        backend.stop(0);
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
        h.write("guarded.yaml", ingress("guarded", "guarded.example.com", N + "auth-url: http://auth.example.com/"));
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

        String guarded = "annotation " + N + "auth-url is not supported by kubeway; it restricts access, so this "
                + "Ingress's routes answer 503 (fail closed) (" + h.manifests.resolve("guarded.yaml") + ")";
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
}
