package io.kubeway.it;

import com.sun.net.httpserver.HttpServer;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code custom-http-errors} with {@code default-backend}, and {@code default-backend} alone, from an Ingress's
 * annotations to the wire: the error backend gets ingress-nginx's X-Code ... headers and its answer (status
 * included) reaches the client; a Service without endpoints is served by the annotation's Service.
 */
class ErrorPagesIT {
    static final String IP = "127.0.76.1";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    int port;
    HttpServer app;
    HttpServer errors;
    final LinkedBlockingQueue<Map<String, String>> errorRequests = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        if (app != null) app.stop(0);
        if (errors != null) errors.stop(0);
    }

    @Test
    void errorsGoToTheDefaultBackendWithIngressNginxHeaders() throws Exception {
        app = HttpClientSupport.httpServer("127.0.77.1", ex -> {
            String p = ex.getRequestURI().getPath();
            int status = p.endsWith("/missing") ? 404 : p.endsWith("/boom") ? 503 : p.endsWith("/teapot") ? 418 : 200;
            byte[] body = ("app " + status).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        errors = HttpClientSupport.httpServer("127.0.77.2", ex -> {
            Map<String, String> seen = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            seen.put(":method", ex.getRequestMethod());
            seen.put(":path", ex.getRequestURI().toString());
            seen.put(":body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            errorRequests.add(seen);
            String code = seen.getOrDefault("x-code", "200");
            byte[] body = ("custom " + code).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(Integer.parseInt(code), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        h = new Harness(tmp, "127.111.0.0/16", "127.112.0.0/24");
        port = FreePorts.first(FreePorts.range(1));
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), port), null, null,
                null, List.of(), List.of(), "off", false, List.of(), false);
        h.write("app.yaml", pod("app-1", "{app: app}", "127.0.77.1", "[{name: http, containerPort: "
                + app.getAddress().getPort() + "}]", true)
                + pod("errors-1", "{app: errors}", "127.0.77.2", "[{name: http, containerPort: "
                + errors.getAddress().getPort() + "}]", true)
                + pod("gone-1", "{app: gone}", "127.0.77.3", "[{name: http, containerPort: 9}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec:
                  selector: {app: app}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: errors}
                spec:
                  selector: {app: errors}
                  ports: [{name: web, port: 8080, targetPort: http}, {name: other, port: 9090, targetPort: 1}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: empty}
                spec:
                  selector: {app: nobody}
                  ports: [{port: 80}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: gone}
                spec:
                  selector: {app: gone}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  annotations:
                    %1$scustom-http-errors: "404, 503,502"
                    %1$sdefault-backend: errors
                spec:
                  rules:
                  - host: shop.example.com
                    http:
                      paths:
                      - {path: /app, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}
                      - {path: /empty, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: fallback
                  annotations:
                    %1$sdefault-backend: errors
                spec:
                  rules:
                  - host: fallback.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: empty, port: {number: 80}}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: builtin
                  annotations:
                    %1$scustom-http-errors: "502"
                spec:
                  rules:
                  - host: builtin.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: gone, port: {number: 80}}}}
                """.formatted(N));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "shop.example.com", "/app/ok", "")).startsWith("200|app 200"));

        assertThat(h.events("shop")).as("no warnings").isEmpty();
        // The backend's 404 goes to the error backend, which answers the client (its status, its body).
        assertThat(send("GET", "shop.example.com", "/app/missing?q=1", "Accept: application/json\r\n"))
                .isEqualTo("404|custom 404");
        Map<String, String> seen = errorRequests.poll(5, TimeUnit.SECONDS);
        assertThat(seen).containsEntry(":method", "GET").containsEntry(":path", "/")
                .containsEntry("x-code", "404").containsEntry("x-format", "application/json")
                .containsEntry("x-original-uri", "/app/missing?q=1").containsEntry("x-namespace", "default")
                .containsEntry("x-ingress-name", "shop").containsEntry("x-service-name", "app")
                .containsEntry("x-service-port", "80").containsEntry("host", "shop.example.com")
                .containsKey("x-request-id").doesNotContainKey("x-format-missing");

        // A POST's body is not sent again; the method is kept (nginx's error_page to a named location).
        assertThat(send("POST", "shop.example.com", "/app/boom", "Content-Length: 5\r\n", "hello"))
                .isEqualTo("503|custom 503");
        seen = errorRequests.poll(5, TimeUnit.SECONDS);
        assertThat(seen).containsEntry(":method", "POST").containsEntry("x-code", "503").containsEntry(":body", "")
                .doesNotContainKey("x-format");

        // A status not listed passes unchanged.
        assertThat(send("GET", "shop.example.com", "/app/teapot", "")).isEqualTo("418|app 418");
        assertThat(errorRequests).isEmpty();

        // A Service without endpoints is served by the default-backend Service, as a normal request (no X-Code).
        assertThat(send("GET", "shop.example.com", "/empty/page", "")).isEqualTo("200|custom 200");
        seen = errorRequests.poll(5, TimeUnit.SECONDS);
        assertThat(seen).containsEntry(":path", "/empty/page").doesNotContainKey("x-code");
        assertThat(send("GET", "fallback.example.com", "/anything", "")).isEqualTo("200|custom 200");
        assertThat(errorRequests.poll(5, TimeUnit.SECONDS)).containsEntry(":path", "/anything");

        // The proxy's own 502 (nothing listens on the endpoint) without a default backend: the built-in one (404).
        assertThat(send("GET", "builtin.example.com", "/", "")).isEqualTo("404|default backend - 404");
    }

    /** One request; returns "status|body". */
    String send(String method, String host, String path, String headers, String... body) throws IOException {
        return HttpClientSupport.statusAndBody(IP, port, method + " " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n" + headers + "\r\n" + String.join("", body));
    }
}
