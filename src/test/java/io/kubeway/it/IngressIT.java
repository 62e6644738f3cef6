package io.kubeway.it;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.IngressSettings;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.DefaultCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import io.kubeway.dataplane.proxy.TestNet;

import static io.kubeway.it.Harness.pod;
import static io.kubeway.it.HttpClientSupport.get;
import static io.kubeway.it.HttpClientSupport.getTls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Ingress acceptance: manifests in, real HTTP(S) through the whole program, real backends. */
class IngressIT {
    static final String IP = "127.0.60.1";
    // ports free on the test's own address now, never fixed ones another process might hold
    static final int HTTP = TestNet.freePort(TestNet.ip(IP));
    static final int HTTPS = java.util.stream.IntStream.generate(() -> TestNet.freePort(TestNet.ip(IP)))
            .filter(p -> p != HTTP).findFirst().orElseThrow();
    static final String BACKENDS = pod("web-1", "{app: web}", "127.0.22.1", "[{name: http, containerPort: 8080}]", true)
            + pod("web-2", "{app: web}", "127.0.22.2", "[{name: http, containerPort: 8080}]", true)
            + pod("api-1", "{app: api}", "127.0.22.10", "[{name: http, containerPort: 8080}]", true) + """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api}
            spec:
              selector: {app: api}
              ports: [{name: http, port: 8000, targetPort: http}]
            """;

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.103.0.0/16", "127.104.0.0/24");
        h.ingress = IngressSettings.defaults(new InetSocketAddress(HttpClientSupport.IpLiteralsSupport.of(IP), HTTP),
                new InetSocketAddress(HttpClientSupport.IpLiteralsSupport.of(IP), HTTPS));
        h.backend("127.0.22.1", 8080, "web-1");
        h.backend("127.0.22.2", 8080, "web-2");
        h.backend("127.0.22.10", 8080, "api-1");
        h.write("backends.yaml", BACKENDS);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    static String secret(String name, TlsCertificate cert) {
        Base64.Encoder b64 = Base64.getEncoder();
        return """
                apiVersion: v1
                kind: Secret
                metadata: {name: %s}
                type: kubernetes.io/tls
                data:
                  tls.crt: %s
                  tls.key: %s
                ---
                """.formatted(name, b64.encodeToString(cert.certChainPem().getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(cert.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
    }

    static TlsCertificate cert(String cn, String... names) {
        return DefaultCertificate.selfSigned(cn, cn, List.of(names), Instant.now(), Duration.ofDays(2));
    }

    private static String backendOf(String host, String path) throws IOException {
        return get(IP, HTTP, host, path).backend();
    }

    @Test
    void routesByHostAndPathAsTheSpecSaysAcrossMergedIngresses() throws Exception {
        h.write("a.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: a, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec:
                  rules:
                  - host: foo.example.com
                    http:
                      paths:
                      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 8000}}}}
                      - {path: /exact, pathType: Exact, backend: {service: {name: web, port: {name: http}}}}
                  - host: "*.wild.example.com"
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
                """);
        h.write("b.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: b, creationTimestamp: "2026-02-01T00:00:00Z"}
                spec:
                  rules:
                  - host: foo.example.com
                    http:
                      paths:
                      - {path: /api, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
                      - {path: /b/, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(backendOf("foo.example.com", "/api")).isEqualTo("api-1"));
        record Case(String host, String path, String expected) {
        }
        for (Case c : List.of(
                new Case("foo.example.com", "/api/v1/x", "api-1"),
                new Case("FOO.example.com:" + HTTP, "/api/", "api-1"), // case and port in Host ignored
                new Case("foo.example.com", "/apix", "404"),          // element-wise prefix: /api never matches /apix
                new Case("foo.example.com", "/exact", "web"),
                new Case("foo.example.com", "/exact/", "404"),         // Exact is exact
                new Case("foo.example.com", "/b", "web"),              // trailing slash in the rule is ignored
                new Case("foo.example.com", "/b/c", "web"),            // merged from the second Ingress
                new Case("x.wild.example.com", "/anything", "web"),
                new Case("y.x.wild.example.com", "/", "404"),          // a wildcard covers exactly one label
                new Case("wild.example.com", "/", "404"),
                new Case("unknown.example.com", "/", "404"))) {
            HttpClientSupport.Response r = get(IP, HTTP, c.host(), c.path());
            String got = r.status() == 404 ? "404" : r.backend();
            assertThat(got).as("%s%s", c.host(), c.path()).startsWith(c.expected());
        }
        // the conflict on foo.example.com/api goes to the older Ingress; the newer one is told
        await().untilAsserted(() -> assertThat(h.events("b"))
                .anySatisfy(e -> assertThat(e.getMessage()).contains("foo.example.com").contains("default/a")));
        // and the handled Ingresses report where they are served
        Ingress a = h.server.view().ingresses().stream().filter(i -> i.getMetadata().getName().equals("a")).findFirst().orElseThrow();
        assertThat(a.getStatus().getLoadBalancer().getIngress()).extracting(i -> i.getIp()).containsExactly(IP);
    }

    @Test
    void tlsPicksTheCertificateBySniAndRedirectsHttp() throws Exception {
        h.write("tls.yaml", secret("foo-tls", cert("foo", "foo.example.com")) + secret("wild-tls", cert("wild", "*.wild.example.com")) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: secure}
                spec:
                  tls:
                  - {hosts: [foo.example.com], secretName: foo-tls}
                  - {hosts: ["*.wild.example.com"], secretName: wild-tls}
                  rules:
                  - host: foo.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
                  - host: "*.wild.example.com"
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}]}
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(getTls(IP, HTTPS, "foo.example.com", "foo.example.com", "/").backend()).startsWith("web-"));
        assertThat(getTls(IP, HTTPS, "foo.example.com", "foo.example.com", "/").certificateSubject()).contains("CN=foo");
        HttpClientSupport.Response wild = getTls(IP, HTTPS, "a.wild.example.com", "a.wild.example.com", "/");
        assertThat(wild.certificateSubject()).contains("CN=wild");
        assertThat(wild.backend()).isEqualTo("api-1");
        assertThat(getTls(IP, HTTPS, "other.example.com", "foo.example.com", "/").certificateSubject())
                .as("unknown SNI: the default certificate; Host still picks the route").contains(DefaultCertificate.CN);
        HttpClientSupport.Response redirect = get(IP, HTTP, "foo.example.com", "/path?q=1");
        assertThat(redirect.status()).isEqualTo(308);
        assertThat(redirect.header("Location")).isEqualTo("https://foo.example.com:" + HTTPS + "/path?q=1");
    }

    @Test
    void badEditsKeepTheLastGoodIngressAndCertificate() throws Exception {
        String ingress = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: keep}
                spec:
                  tls: [{hosts: [keep.example.com], secretName: keep-tls}]
                  rules:
                  - host: keep.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
                """;
        h.write("secret.yaml", secret("keep-tls", cert("keep", "keep.example.com")));
        h.write("ingress.yaml", ingress);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(getTls(IP, HTTPS, "keep.example.com", "keep.example.com", "/").certificateSubject()).contains("CN=keep"));

        h.write("ingress.yaml", ingress.replace("pathType: Prefix", "pathType: Sometimes"));
        h.write("secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: keep-tls}
                type: kubernetes.io/tls
                data: {tls.crt: bm90IGEgY2VydA==, tls.key: bm90IGEga2V5}
                """);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(h.events("keep")).anySatisfy(e -> assertThat(e.getMessage()).contains("pathType"));
            assertThat(h.events("keep-tls")).anySatisfy(e -> assertThat(e.getMessage()).contains("keeping the last good certificate"));
        });
        HttpClientSupport.Response r = getTls(IP, HTTPS, "keep.example.com", "keep.example.com", "/");
        assertThat(r.certificateSubject()).contains("CN=keep");
        assertThat(r.backend()).startsWith("web-");
    }

    @Test
    void hundredEditsUnderLoadDropNothingAndKeepTheWebSocketOpen() throws Exception {
        String ingress = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: live
                  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false", kubeway.io/x-forwarded-prefix: "/v%d"}
                spec:
                  tls: [{hosts: [live.example.com], secretName: live-tls}]
                  rules:
                  - host: live.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
                      - {path: /extra-%d, pathType: Exact, backend: {service: {name: api, port: {name: http}}}}
                  - http:
                      paths:
                      - {path: /ws, pathType: Exact, backend: {service: {name: web, port: {name: http}}}}
                """;
        h.write("secret.yaml", secret("live-tls", cert("live", "live.example.com")));
        h.write("ingress.yaml", ingress.formatted(0, 0));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(backendOf("live.example.com", "/")).startsWith("web-"));

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<String> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Runnable keepAlive = () -> {
            while (!stop.get()) {
                try (java.net.Socket s = new java.net.Socket(IP, HTTP)) {
                    s.setSoTimeout(5000);
                    for (int i = 0; i < 200 && !stop.get(); i++) {
                        HttpClientSupport.Response r = HttpClientSupport.exchange(s, "live.example.com", "/", null);
                        if (r.status() != 200 || r.backend() == null) failures.add("keep-alive: " + r.head());
                        else ok.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.add("keep-alive: " + e);
                }
            }
        };
        Runnable newConnections = () -> {
            while (!stop.get()) {
                try {
                    HttpClientSupport.Response r = stop.get() ? null : getTls(IP, HTTPS, "live.example.com", "live.example.com", "/");
                    if (r != null && (r.status() != 200 || r.backend() == null)) failures.add("tls: " + r.head());
                    else ok.incrementAndGet();
                } catch (IOException e) {
                    failures.add("tls: " + e);
                }
            }
        };
        java.util.List<String> echoes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://" + IP + ":" + HTTP + "/ws"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data, boolean last) {
                        echoes.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, java.util.concurrent.TimeUnit.SECONDS);
        Thread a = new Thread(keepAlive);
        Thread b = new Thread(newConnections);
        a.start();
        b.start();
        int sent = 0;
        for (int edit = 1; edit <= 100; edit++) {
            switch (edit % 3) {
                case 0 -> h.write("ingress.yaml", ingress.formatted(edit, edit));
                case 1 -> h.write("secret.yaml", secret("live-tls", cert("live-" + edit, "live.example.com")));
                default -> h.write("backends.yaml", BACKENDS.replace(
                        "web-2\n  labels: {app: web}", edit % 2 == 0 ? "web-2\n  labels: {app: resting}" : "web-2\n  labels: {app: web}"));
            }
            if (edit % 5 == 0) {
                ws.sendText("message " + sent++, true).get(5, java.util.concurrent.TimeUnit.SECONDS);
            }
            Thread.sleep(40);
        }
        Thread.sleep(300);
        stop.set(true);
        a.join(10_000);
        b.join(10_000);
        int expected = sent;
        await().atMost(Duration.ofSeconds(5)).until(() -> echoes.size() == expected);
        assertThat(ws.isOutputClosed() || ws.isInputClosed()).as("the WebSocket stayed open").isFalse();
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
        System.out.println("100 edits under load: " + ok.get() + " requests ok, " + failures.size() + " failed, "
                + echoes.size() + "/" + sent + " WebSocket echoes");
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        assertThat(echoes).hasSize(sent).allSatisfy(m -> assertThat(m).startsWith("message "));
    }
}
