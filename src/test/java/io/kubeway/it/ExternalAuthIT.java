package io.kubeway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.kubeway.it.Harness.ingress;
import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * External authentication with real traffic: an oauth2-proxy-like auth server started by the test decides by the
 * session cookie and records what it receives; the backend records what reaches it. 2xx lets the request through
 * with the auth answer's headers, 401 redirects to the sign-in URL with {@code rd} (or passes through without
 * one), 403 passes through, 5xx and a timeout are 500.
 */
class ExternalAuthIT {
    static final String IP = "127.0.148.1";
    static final String BACKEND_IP = "127.0.148.2";
    static final String AUTH_IP = "127.0.148.3";

    @TempDir
    Path tmp;
    Harness h;
    HttpServer backend;
    HttpServer auth;
    ExecutorService authThreads;
    int http;
    final List<Map<String, String>> authSaw = new CopyOnWriteArrayList<>();
    final List<String> authMethods = new CopyOnWriteArrayList<>();
    final List<String> authBodies = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> backendSaw = new CopyOnWriteArrayList<>();
    final List<String> backendBodies = new CopyOnWriteArrayList<>();
    final List<String> cachedCalls = new CopyOnWriteArrayList<>();
    final List<String> pooledPorts = new CopyOnWriteArrayList<>();

    private static Map<String, String> headers(HttpExchange e) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        e.getRequestHeaders().forEach((k, v) -> out.put(k, String.join(",", v)));
        return out;
    }

    @BeforeEach
    void setUp() throws IOException {
        http = FreePorts.first(FreePorts.range(1));
        h = new Harness(tmp, "127.149.0.0/16", "127.150.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http), null);
        backend = HttpServer.create(new InetSocketAddress(IpLiterals.of(BACKEND_IP), 8080), 16);
        backend.createContext("/", e -> {
            backendSaw.add(headers(e));
            backendBodies.add(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = "{\"backend\": \"app-1\"}".getBytes(StandardCharsets.UTF_8);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        backend.start();
        auth = HttpServer.create(new InetSocketAddress(IpLiterals.of(AUTH_IP), 4180), 16);
        authThreads = Executors.newCachedThreadPool();
        auth.setExecutor(authThreads);
        auth.createContext("/oauth2/auth", e -> {
            Map<String, String> seen = headers(e);
            authSaw.add(seen);
            authMethods.add(e.getRequestMethod());
            authBodies.add(new String(e.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String cookie = seen.getOrDefault("Cookie", "");
            int status;
            if (cookie.contains("session=good")) {
                e.getResponseHeaders().add("X-Auth-Request-User", "alice");
                e.getResponseHeaders().add("Set-Cookie", "session=good; Path=/; HttpOnly");
                status = 202;
            } else if (cookie.contains("session=forbidden")) {
                status = 403;
            } else if (cookie.contains("session=broken")) {
                status = 502;
            } else if (cookie.contains("session=slow")) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                status = 202;
            } else {
                e.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"oauth2\"");
                e.getResponseHeaders().add("Set-Cookie", "session=; Max-Age=0");
                status = 401;
            }
            e.sendResponseHeaders(status, -1);
            e.close();
        });
        auth.createContext("/pooled", e -> {
            pooledPorts.add(e.getRequestHeaders().getFirst("Host") + " " + e.getRemoteAddress().getPort() + " "
                    + e.getRequestHeaders().getFirst("Connection"));
            e.sendResponseHeaders(200, -1);
            e.close();
        });
        auth.createContext("/cached", e -> {
            String authz = String.valueOf(e.getRequestHeaders().getFirst("Authorization"));
            cachedCalls.add(authz);
            if (authz.equals("Bearer ok")) {
                e.getResponseHeaders().add("X-Auth-Request-User", "bob-" + cachedCalls.size());
                e.sendResponseHeaders(200, -1);
            } else {
                e.sendResponseHeaders(401, -1);
            }
            e.close();
        });
        auth.start();
        String authUrl = "http://" + AUTH_IP + ":4180/oauth2/auth?check=1";
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
                + ingress("app", "app.example.com", "app", Map.of("auth-url", authUrl,
                        "auth-signin", "https://auth.example.com/oauth2/start",
                        "auth-response-headers", "X-Auth-Request-User, X-Auth-Request-Email",
                        "proxy-connect-timeout", "1", "proxy-read-timeout", "1"), "/")
                + ingress("api", "api.example.com", "app", Map.of("auth-url", authUrl, "auth-method", "GET",
                        "auth-request-redirect", "https://api.example.com/landing"), "/")
                + ingress("always", "always.example.com", "app", Map.of("auth-url", authUrl,
                        "auth-always-set-cookie", "true"), "/")
                + ingress("cached", "cached.example.com", "app", Map.of(
                        "auth-url", "http://" + AUTH_IP + ":4180/cached", "auth-cache-key", "$http_authorization",
                        "auth-cache-duration", "200 10m", "auth-response-headers", "X-Auth-Request-User"),
                        "/", "/other")
                + ingress("pooled", "pooled.example.com", "app", Map.of(
                        "auth-url", "http://" + AUTH_IP + ":4180/pooled", "auth-keepalive", "2",
                        "auth-keepalive-requests", "3", "auth-keepalive-timeout", "30"), "/")
                + ingress("unpooled", "unpooled.example.com", "app",
                        Map.of("auth-url", "http://" + AUTH_IP + ":4180/pooled"), "/"));
        h.start();
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        if (backend != null) backend.stop(0);
        if (auth != null) auth.stop(0);
        if (authThreads != null) authThreads.shutdownNow();
    }

    /** One request on a new connection; the whole answer. */
    private String send(String method, String host, String uri, String headers, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            socket.setSoTimeout(10_000);
            String req = method + " " + uri + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + headers
                    + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + body;
            socket.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theAuthServiceDecidesAndGetsTheOriginalRequestsHeaders() throws Exception {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "app.example.com", "/", "", "")).startsWith("HTTP/1.1 302"));
        authSaw.clear();
        authMethods.clear();
        authBodies.clear();

        // Signed in: through, with the auth answer's header, its cookie, and the body intact.
        String ok = send("POST", "app.example.com", "/docs/a?x=1&y=2", "Cookie: session=good\r\n"
                + "X-Auth-Request-Email: spoofed@example.com\r\nX-Auth-Request-User: mallory\r\n", "payload=1");
        assertThat(ok).startsWith("HTTP/1.1 200").contains("app-1");
        assertThat(ok.toLowerCase(java.util.Locale.ROOT)).as("the auth answer's cookie")
                .contains("set-cookie: session=good; path=/; httponly");
        assertThat(backendSaw).hasSize(1);
        assertThat(backendSaw.get(0)).containsEntry("X-Auth-Request-User", "alice")
                .doesNotContainKey("X-Auth-Request-Email");
        assertThat(backendBodies).containsExactly("payload=1");

        assertThat(authSaw).hasSize(1);
        Map<String, String> a = authSaw.get(0);
        assertThat(authMethods).containsExactly("POST");
        assertThat(authBodies).containsExactly("");
        assertThat(a).containsEntry("Host", AUTH_IP)
                .containsEntry("X-Original-URL", "http://app.example.com/docs/a?x=1&y=2")
                .containsEntry("X-Original-Method", "POST")
                .containsEntry("X-Auth-Request-Redirect", "/docs/a?x=1&y=2")
                .containsEntry("X-Forwarded-Host", "app.example.com")
                .containsEntry("X-Forwarded-Proto", "http")
                .containsEntry("X-Forwarded-For", "127.0.0.1")
                .containsEntry("X-Real-IP", "127.0.0.1")
                .containsEntry("X-Sent-From", "nginx-ingress-controller")
                .containsEntry("Cookie", "session=good")
                .containsKey("X-Request-ID")
                .doesNotContainKey("Content-Length");

        // Not signed in: the redirect to sign in, with rd as ingress-nginx builds it; the backend sees nothing.
        String signin = send("GET", "app.example.com", "/docs/a?x=1", "", "");
        assertThat(signin).startsWith("HTTP/1.1 302")
                .contains("Location: https://auth.example.com/oauth2/start?rd=http://app.example.com%2Fdocs%2Fa%3Fx%3D1");
        assertThat(send("GET", "app.example.com", "/", "Cookie: session=forbidden\r\n", "")).startsWith("HTTP/1.1 403");
        assertThat(send("GET", "app.example.com", "/", "Cookie: session=broken\r\n", "")).startsWith("HTTP/1.1 500");
        assertThat(send("GET", "app.example.com", "/", "Cookie: session=slow\r\n", ""))
                .as("no answer within the connect + read timeouts").startsWith("HTTP/1.1 500");
        assertThat(backendSaw).as("refused requests never reach the backend").hasSize(1);

        // No auth-signin: 401 goes back with the auth service's challenge; auth-method and auth-request-redirect.
        authSaw.clear();
        authMethods.clear();
        String denied = send("POST", "api.example.com", "/v1", "", "data");
        assertThat(denied).startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer realm=\"oauth2\"")
                .as("the 401's cookie only with auth-always-set-cookie").doesNotContainIgnoringCase("set-cookie");
        assertThat(authMethods).containsExactly("GET");
        assertThat(authSaw.get(0)).containsEntry("X-Original-Method", "POST")
                .containsEntry("X-Auth-Request-Redirect", "https://api.example.com/landing");
        assertThat(send("POST", "api.example.com", "/v1", "Cookie: session=good\r\n", "data"))
                .startsWith("HTTP/1.1 200");
        assertThat(backendBodies).containsExactly("payload=1", "data");
    }

    @Test
    void authAlwaysSetCookiePassesTheAuthAnswersCookieOnEveryResponse() throws Exception {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "always.example.com", "/", "", "")).startsWith("HTTP/1.1 401"));
        String denied = send("GET", "always.example.com", "/", "", "");
        assertThat(denied).startsWith("HTTP/1.1 401").containsIgnoringCase("set-cookie: session=; Max-Age=0")
                .contains("WWW-Authenticate: Bearer realm=\"oauth2\"");
        assertThat(send("GET", "app.example.com", "/", "", "")).as("without it, the signin redirect has no cookie")
                .startsWith("HTTP/1.1 302").doesNotContainIgnoringCase("set-cookie");
        String ok = send("GET", "always.example.com", "/", "Cookie: session=good\r\n", "");
        assertThat(ok).startsWith("HTTP/1.1 200").containsIgnoringCase("set-cookie: session=good; Path=/; HttpOnly");
    }

    @Test
    void authCacheKeyKeepsTheListedAnswersPerRouteAndKey() throws Exception {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "cached.example.com", "/", "Authorization: Bearer warmup\r\n", ""))
                        .startsWith("HTTP/1.1 401"));
        cachedCalls.clear();
        backendSaw.clear();
        assertThat(send("GET", "cached.example.com", "/a", "Authorization: Bearer ok\r\n", "")).startsWith("HTTP/1.1 200");
        assertThat(send("GET", "cached.example.com", "/b", "Authorization: Bearer ok\r\n", "")).startsWith("HTTP/1.1 200");
        assertThat(cachedCalls).as("the second answer came from the cache").containsExactly("Bearer ok");
        assertThat(backendSaw).extracting(m -> m.get("X-Auth-Request-User")).containsExactly("bob-1", "bob-1");

        // Another key value, another route: asked again. 401 is not listed in auth-cache-duration: never kept.
        assertThat(send("GET", "cached.example.com", "/", "Authorization: Bearer ok2\r\n", "")).startsWith("HTTP/1.1 401");
        assertThat(send("GET", "cached.example.com", "/", "Authorization: Bearer ok2\r\n", "")).startsWith("HTTP/1.1 401");
        assertThat(send("GET", "cached.example.com", "/other", "Authorization: Bearer ok\r\n", ""))
                .startsWith("HTTP/1.1 200");
        assertThat(cachedCalls).containsExactly("Bearer ok", "Bearer ok2", "Bearer ok2", "Bearer ok");
    }

    /** Statuses of {@code n} GETs sent one after another on one kept-alive client connection (one event loop). */
    private List<Integer> onOneConnection(String host, int n) throws IOException {
        List<Integer> out = new java.util.ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            socket.setSoTimeout(10_000);
            java.io.InputStream in = socket.getInputStream();
            for (int i = 0; i < n; i++) {
                socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) throw new IOException("closed after " + head);
                    head.append((char) c);
                }
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(head);
                in.readNBytes(m.find() ? Integer.parseInt(m.group(1)) : 0);
                out.add(Integer.parseInt(head.substring(9, 12)));
            }
        }
        return out;
    }

    @Test
    void authKeepaliveReusesConnectionsToTheAuthService() throws Exception {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "pooled.example.com", "/", "", "")).startsWith("HTTP/1.1 200"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(send("GET", "unpooled.example.com", "/", "", "")).startsWith("HTTP/1.1 200"));
        pooledPorts.clear();
        assertThat(onOneConnection("pooled.example.com", 5)).containsOnly(200);
        List<String> ports = pooledPorts.stream().map(p -> p.split(" ")[1]).toList();
        assertThat(pooledPorts).allSatisfy(p -> assertThat(p).doesNotContainIgnoringCase("close"));
        assertThat(ports).hasSize(5);
        // The warm-up call may have left a pooled connection on this loop: runs of one port, each at most 3 calls.
        Map<String, Long> perPort = ports.stream().collect(java.util.stream.Collectors.groupingBy(p -> p,
                java.util.stream.Collectors.counting()));
        assertThat(perPort).as("reused, at most auth-keepalive-requests (3) calls each: " + ports).hasSize(2)
                .allSatisfy((port, calls) -> assertThat(calls).isLessThanOrEqualTo(3));
        assertThat(ports.get(4)).isEqualTo(ports.get(3));
        assertThat(ports.get(1)).isEqualTo(ports.get(0));

        pooledPorts.clear();
        assertThat(onOneConnection("unpooled.example.com", 2)).containsOnly(200);
        assertThat(pooledPorts).as("without auth-keepalive: one connection per call").hasSize(2)
                .allSatisfy(p -> assertThat(p).endsWith("close"));
        assertThat(pooledPorts.get(0).split(" ")[1]).isNotEqualTo(pooledPorts.get(1).split(" ")[1]);
    }
}
