package io.kubeway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kubeway.it.Harness.ingress;
import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller ConfigMap's global external authentication ({@code global-auth-*}, {@code no-auth-locations},
 * the {@code enable-global-auth} annotation) with real traffic against an auth server started by the test: every
 * Ingress route without its own {@code auth-url} asks it, an Ingress's own {@code auth-url} wins, an opted-out
 * Ingress and the no-auth locations ask nothing, a global-auth-url that cannot be honoured closes exactly the routes
 * it would protect (503) with a Warning naming the ConfigMap and key, and edits apply live.
 */
class GlobalAuthIT {
    static final String IP = "127.0.223.1";
    static final String BACKEND_IP = "127.0.223.2";
    static final String AUTH_IP = "127.0.223.3";
    static final String CM = "ingress-nginx-controller";

    @TempDir
    Path tmp;
    Harness h;
    HttpServer backend;
    HttpServer auth;
    int http;
    final List<String> authCalls = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> authSaw = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> backendSaw = new CopyOnWriteArrayList<>();

    private static Map<String, String> headers(HttpExchange e) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        e.getRequestHeaders().forEach((k, v) -> out.put(k, String.join(",", v)));
        out.put(":method", e.getRequestMethod());
        return out;
    }

    @BeforeEach
    void setUp() throws IOException {
        http = FreePorts.first(FreePorts.range(1));
        h = new Harness(tmp, "127.221.0.0/16", "127.222.0.0/24");
        IngressSettings d = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http), null);
        h.ingress = new IngressSettings(d.ingressClass(), d.watchWithoutClass(), d.httpAddress(), d.httpsAddress(),
                null, null, List.of(), List.of(), "off", false, List.of(), false, "ingress-nginx/" + CM);
        backend = HttpServer.create(new InetSocketAddress(IpLiterals.of(BACKEND_IP), 8080), 16);
        backend.createContext("/", e -> {
            backendSaw.add(headers(e));
            byte[] body = "{\"backend\": \"app-1\"}".getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        backend.start();
        auth = HttpServer.create(new InetSocketAddress(IpLiterals.of(AUTH_IP), 4180), 16);
        auth.createContext("/global", e -> {
            authCalls.add("global " + e.getRequestURI());
            Map<String, String> seen = headers(e);
            authSaw.add(seen);
            if (seen.getOrDefault("Cookie", "").contains("session=good")) {
                e.getResponseHeaders().add("X-Auth-Request-User", "alice");
                e.sendResponseHeaders(202, -1);
            } else {
                e.sendResponseHeaders(401, -1);
            }
            e.close();
        });
        auth.createContext("/own", e -> {
            authCalls.add("own " + e.getRequestURI());
            e.sendResponseHeaders(200, -1);
            e.close();
        });
        auth.start();
        h.write("app.yaml", pod("app-1", "{app: app}", BACKEND_IP, "[{name: http, containerPort: 8080}]", true)
                + """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                spec:
                  selector: {app: app}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                """
                + ingress("app", "app.example.com", "app", Map.of(), "/", "/.well-known/acme-challenge", "/public")
                + ingress("open", "open.example.com", "app", Map.of("enable-global-auth", "false"), "/")
                + ingress("own", "own.example.com", "app", Map.of("auth-url", "http://" + AUTH_IP + ":4180/own"),
                        "/"));
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        if (backend != null) backend.stop(0);
        if (auth != null) auth.stop(0);
    }

    private void configMap(String data) throws IOException {
        h.write("controller.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: %s, namespace: ingress-nginx}
                data:
                """.formatted(CM) + data.indent(2));
    }

    /** One request on a new connection; the whole answer. */
    private String send(String method, String host, String uri, String headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            socket.setSoTimeout(10_000);
            String req = method + " " + uri + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + headers
                    + "\r\n";
            socket.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String get(String host, String uri) throws IOException {
        return send("GET", host, uri, "");
    }

    @Test
    void everyRouteWithoutItsOwnAuthAsksTheGlobalAuthService() throws Exception {
        configMap("""
                global-auth-url: "http://%s:4180/global?check=1"
                global-auth-method: GET
                global-auth-signin: https://auth.example.com/start
                global-auth-response-headers: X-Auth-Request-User
                global-auth-request-redirect: https://app.example.com/landing
                """.formatted(AUTH_IP));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("app.example.com", "/docs?x=1")).startsWith("HTTP/1.1 302")
                        .contains("Location: https://auth.example.com/start?rd=http://app.example.com%2Fdocs%3Fx%3D1"));
        authCalls.clear();
        authSaw.clear();

        String ok = send("POST", "app.example.com", "/docs", "Cookie: session=good\r\nX-Auth-Request-User: mallory\r\n"
                + "Content-Length: 0\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200").contains("app-1");
        assertThat(authCalls).containsExactly("global /global?check=1");
        assertThat(authSaw.get(0)).containsEntry(":method", "GET").containsEntry("X-Original-Method", "POST")
                .containsEntry("X-Original-URL", "http://app.example.com/docs")
                .containsEntry("X-Auth-Request-Redirect", "https://app.example.com/landing");
        assertThat(backendSaw.get(backendSaw.size() - 1)).containsEntry("X-Auth-Request-User", "alice");

        // enable-global-auth "false", an Ingress's own auth-url, and the default no-auth location.
        authCalls.clear();
        assertThat(get("open.example.com", "/")).startsWith("HTTP/1.1 200");
        assertThat(get("app.example.com", "/.well-known/acme-challenge/token")).startsWith("HTTP/1.1 200");
        assertThat(authCalls).as("opted out and no-auth location ask nothing").isEmpty();
        assertThat(get("own.example.com", "/")).startsWith("HTTP/1.1 200");
        assertThat(authCalls).as("the Ingress's own auth-url wins").containsExactly("own /own");
        assertThat(get("app.example.com", "/public")).as("not a no-auth location yet").startsWith("HTTP/1.1 302");

        // A live edit: no-auth-locations replaces the default; the signin goes, so 401 goes back.
        configMap("""
                global-auth-url: "http://%s:4180/global"
                no-auth-locations: "/public"
                """.formatted(AUTH_IP));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("app.example.com", "/public/x")).startsWith("HTTP/1.1 200"));
        assertThat(get("app.example.com", "/.well-known/acme-challenge/token")).startsWith("HTTP/1.1 401");
        assertThat(get("app.example.com", "/")).startsWith("HTTP/1.1 401");

        // The global auth removed: every route is open again.
        configMap("""
                proxy-body-size: 1m
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("app.example.com", "/")).startsWith("HTTP/1.1 200"));
    }

    @Test
    void aGlobalAuthUrlThatCannotBeHonouredClosesTheRoutesItProtects() throws Exception {
        configMap("""
                global-auth-url: "ftp://%s/global"
                """.formatted(AUTH_IP));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("open.example.com", "/")).startsWith("HTTP/1.1 200"));
        assertThat(get("app.example.com", "/")).as("fail closed").startsWith("HTTP/1.1 503");
        assertThat(get("app.example.com", "/.well-known/acme-challenge/t")).as("a no-auth location")
                .startsWith("HTTP/1.1 200");
        assertThat(get("own.example.com", "/")).as("its own auth-url").startsWith("HTTP/1.1 200");
        assertThat(backendSaw).hasSize(3);
        assertThat(h.events(CM)).extracting(Event::getReason, Event::getMessage).contains(
                org.assertj.core.groups.Tuple.tuple("InvalidConfigValue", "ConfigMap ingress-nginx/" + CM
                        + ": key global-auth-url: invalid value \"ftp://" + AUTH_IP + "/global\": only http and "
                        + "https URLs are valid; the global external authentication cannot be honoured, so every "
                        + "route it protects answers 503 (fail closed) (" + h.manifests.resolve("controller.yaml")
                        + ")"));

        // Fixed live: asked again.
        configMap("""
                global-auth-url: "http://%s:4180/global"
                """.formatted(AUTH_IP));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("app.example.com", "/")).startsWith("HTTP/1.1 401"));
        assertThat(get("app.example.com", "/", "Cookie: session=good\r\n")).startsWith("HTTP/1.1 200");

        // A snippet is never run: with global-auth-url set, the protected routes close.
        configMap("""
                global-auth-url: "http://%s:4180/global"
                global-auth-snippet: "proxy_set_header X-Extra 1;"
                """.formatted(AUTH_IP));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("app.example.com", "/", "Cookie: session=good\r\n")).startsWith("HTTP/1.1 503"));
        assertThat(get("open.example.com", "/")).startsWith("HTTP/1.1 200");
    }

    private String get(String host, String uri, String headers) throws IOException {
        return send("GET", host, uri, headers);
    }
}
