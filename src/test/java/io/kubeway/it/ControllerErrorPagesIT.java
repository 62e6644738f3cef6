package io.kubeway.it;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
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
 * The controller ConfigMap's {@code custom-http-errors} with real traffic, edited while Kubeway runs: a backend's
 * 503 comes back as the {@code --default-backend-service}'s page (with ingress-nginx's X-Code ... headers); an
 * Ingress's own {@code custom-http-errors} replaces the list; a bad value keeps the last good list; removing the key
 * gives the backend's own 503 back.
 */
class ControllerErrorPagesIT {
    static final String IP = "127.0.78.1";
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
    void aConfigMapEditTurnsTheBackendsErrorsIntoTheDefaultBackendsPages() throws Exception {
        app = HttpClientSupport.httpServer("127.0.78.11", ex -> {
            String p = ex.getRequestURI().getPath();
            int status = p.endsWith("/boom") ? 503 : p.endsWith("/teapot") ? 418 : 200;
            byte[] body = ("app " + status).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        errors = HttpClientSupport.httpServer("127.0.78.12", ex -> {
            Map<String, String> seen = new TreeMap<>();
            ex.getRequestHeaders().forEach((k, v) -> seen.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            seen.put(":path", ex.getRequestURI().toString());
            errorRequests.add(seen);
            String code = seen.getOrDefault("x-code", "200");
            byte[] body = ("custom " + code).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(Integer.parseInt(code), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        h = new Harness(tmp, "127.121.0.0/16", "127.122.0.0/24");
        port = FreePorts.first(FreePorts.range(1));
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), port), null,
                "default/errors", null, List.of(), List.of(), "off", false, List.of(), false,
                "ingress-nginx/ingress-nginx-controller");
        h.controllerConfigMap("""
                ssl-redirect: "false"
                """);
        h.write("app.yaml", pod("app-1", "{app: app}", "127.0.78.11", "[{name: http, containerPort: "
                + app.getAddress().getPort() + "}]", true)
                + pod("errors-1", "{app: errors}", "127.0.78.12", "[{name: http, containerPort: "
                + errors.getAddress().getPort() + "}]", true) + """
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
                  ports: [{port: 8080, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop}
                spec:
                  rules:
                  - host: shop.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: own
                  annotations: {%1$scustom-http-errors: "418"}
                spec:
                  rules:
                  - host: own.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]
                """.formatted(N));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("shop.example.com", "/ok")).isEqualTo("200|app 200"));
        assertThat(send("shop.example.com", "/boom")).as("no list yet: the backend's own 503").isEqualTo("503|app 503");

        h.controllerConfigMap("""
                ssl-redirect: "false"
                custom-http-errors: "503, 404"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(send("shop.example.com", "/boom?x=1")).isEqualTo("503|custom 503"));
        Map<String, String> seen = errorRequests.poll(5, TimeUnit.SECONDS);
        assertThat(seen).containsEntry(":path", "/").containsEntry("x-code", "503")
                .containsEntry("x-original-uri", "/boom?x=1").containsEntry("x-namespace", "default")
                .containsEntry("x-ingress-name", "shop").containsEntry("x-service-name", "app")
                .containsEntry("x-service-port", "80").containsKey("x-request-id");
        errorRequests.clear();
        assertThat(send("own.example.com", "/boom")).as("the annotation replaces the list").isEqualTo("503|app 503");
        assertThat(send("own.example.com", "/teapot")).isEqualTo("418|custom 418");
        assertThat(send("shop.example.com", "/teapot")).as("not in the controller-wide list").isEqualTo("418|app 418");

        // A bad value keeps the last good list, with a Warning naming the key and value.
        h.controllerConfigMap("""
                ssl-redirect: "false"
                custom-http-errors: "503,5o4"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events("ingress-nginx-controller"))
                .extracting(Event::getMessage).anySatisfy(m -> assertThat(m).startsWith("ConfigMap "
                        + "ingress-nginx/ingress-nginx-controller: key custom-http-errors: invalid value \"503,5o4\"")));
        assertThat(send("shop.example.com", "/boom")).isEqualTo("503|custom 503");

        h.controllerConfigMap("""
                ssl-redirect: "false"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(send("shop.example.com", "/boom")).as("key removed: the backend's own 503 again")
                        .isEqualTo("503|app 503"));
    }

    /** One GET on a new connection; returns "status|body". */
    String send(String host, String path) throws IOException {
        return HttpClientSupport.statusAndBody(IP, port,
                "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }
}
