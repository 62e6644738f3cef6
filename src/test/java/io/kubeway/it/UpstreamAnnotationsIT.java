package io.kubeway.it;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import io.micrometer.core.instrument.Counter;
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
import java.util.concurrent.ConcurrentHashMap;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * upstream-vhost, proxy-redirect-from/-to, server-alias and service-upstream with real traffic through the Ingress
 * listener to real backends (each answers with its name, the Host it got, and a redirect for {@code /login}).
 */
class UpstreamAnnotationsIT {
    static final String IP = "127.0.215.1";
    static final String MAIN_IP = "127.0.215.2";
    static final String OTHER_IP = "127.0.215.3";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    int http;
    final List<HttpServer> servers = new java.util.ArrayList<>();
    final Map<String, String> hostSeen = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() throws IOException {
        http = FreePorts.first(FreePorts.range(1));
        backend(MAIN_IP, "main");
        backend(OTHER_IP, "other");
        h = new Harness(tmp, "127.215.0.0/16", "127.216.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), http), null);
        h.write("app.yaml", pod("main-1", "{app: main}", MAIN_IP, "[{name: http, containerPort: 8080}]", true)
                + pod("other-1", "{app: other}", OTHER_IP, "[{name: http, containerPort: 8080}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: main}
                spec:
                  selector: {app: main}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: other}
                spec:
                  selector: {app: other}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                """ + ingress("vhost", "main", N + "upstream-vhost: internal.example")
                + ingress("redirect", "main", N + "proxy-redirect-from: http://backend.local/\n    " + N
                + "proxy-redirect-to: https://redirect.example.com/app/")
                + ingress("plain", "main", N + "proxy-redirect-from: \"off\"")
                + ingress("alias", "main", N + "server-alias: \"www.alias.example.com, other.example.com\"")
                + ingress("other", "other", N + "use-regex: \"false\"")
                + ingress("su", "other", N + "service-upstream: \"true\""));
        h.start();
    }

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
        servers.forEach(s -> s.stop(0));
    }

    private void backend(String ip, String name) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(IpLiterals.of(ip), 8080), 16);
        s.createContext("/", ex -> {
            hostSeen.put(name, ex.getRequestHeaders().getFirst("Host"));
            if (ex.getRequestURI().getPath().equals("/login")) {
                ex.getResponseHeaders().add("Location", "http://backend.local/login/form");
                ex.getResponseHeaders().add("Refresh", "5; url=http://backend.local/later");
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            byte[] body = ("backend=" + name + " host=" + ex.getRequestHeaders().getFirst("Host"))
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        servers.add(s);
    }

    private static String ingress(String name, String service, String annotations) {
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
                      - {path: /, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                ---
                """.formatted(name, annotations, name, service);
    }

    private String get(String host, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), http), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void ready() {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("other.example.com", "/")).contains("backend=other"));
    }

    @Test
    void upstreamVhostSetsTheHostTheBackendSees() throws Exception {
        ready();
        assertThat(get("vhost.example.com", "/")).contains("backend=main host=internal.example");
        assertThat(get("plain.example.com", "/")).contains("backend=main host=plain.example.com");
    }

    @Test
    void proxyRedirectRewritesLocationAndRefresh() throws Exception {
        ready();
        String r = get("redirect.example.com", "/login");
        assertThat(r).startsWith("HTTP/1.1 302").containsIgnoringCase("location: https://redirect.example.com/app/login/form")
                .containsIgnoringCase("refresh: 5; url=https://redirect.example.com/app/later");
        // "off" (the default): unchanged
        assertThat(get("plain.example.com", "/login")).containsIgnoringCase("location: http://backend.local/login/form");
    }

    @Test
    void serverAliasServesTheHostButNeverOverridesARealHost() throws Exception {
        ready();
        assertThat(get("www.alias.example.com", "/")).contains("backend=main host=www.alias.example.com");
        assertThat(get("other.example.com", "/")).contains("backend=other");
        assertThat(h.events("alias").stream().map(Event::getMessage).toList()).anySatisfy(m ->
                assertThat(m).contains("other.example.com").contains("never overrides"));
        assertThat(get("unknown.example.com", "/")).startsWith("HTTP/1.1 404");
    }

    @Test
    void serviceUpstreamGoesThroughTheClusterIp() throws Exception {
        ready();
        double before = clusterIpConnections("default/other");
        assertThat(get("su.example.com", "/")).contains("backend=other");
        assertThat(clusterIpConnections("default/other")).isGreaterThan(before);
        // without the annotation the endpoints are reached directly
        double direct = clusterIpConnections("default/other");
        assertThat(get("other.example.com", "/")).contains("backend=other");
        assertThat(clusterIpConnections("default/other")).isEqualTo(direct);
    }

    private double clusterIpConnections(String service) {
        return h.server.registry().find("kubeway.connections").counters().stream()
                .filter(c -> String.valueOf(c.getId().getTag("service")).startsWith(service))
                .filter(c -> "ClusterIP".equalsIgnoreCase(c.getId().getTag("kind")))
                .mapToDouble(Counter::count).sum();
    }
}
