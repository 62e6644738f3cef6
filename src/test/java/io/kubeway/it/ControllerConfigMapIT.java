package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
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

import static io.kubeway.it.Harness.webService;
import static io.kubeway.it.HttpClientSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ingress-nginx's controller ConfigMap ({@code --configmap}) with real traffic through the Ingress listeners: the
 * ConfigMap file is edited while Kubeway runs and the behaviour follows (proxy-body-size 413, block-user-agents
 * 403, whitelist-source-range 403, HSTS over TLS); an annotation overrides the ConfigMap; a bad value keeps the
 * last good one, and a bad restricting value with nothing to keep answers 503 (fail closed).
 */
class ControllerConfigMapIT {
    static final String IP = "127.0.87.1";
    static final int HTTP = 18187;
    static final int HTTPS = 18188;
    static final String BACKEND_IP = "127.0.87.20";

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.107.0.0/16", "127.108.0.0/24");
        IngressSettings d = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), HTTP),
                new InetSocketAddress(IpLiterals.of(IP), HTTPS));
        h.ingress = new IngressSettings(d.ingressClass(), d.watchWithoutClass(), d.httpAddress(), d.httpsAddress(),
                null, null, List.of(), List.of(), "off", false, List.of(), false, "ingress-nginx/ingress-nginx-controller");
        h.backend(BACKEND_IP, 8080, "web-1");
        h.write("app.yaml", webService(BACKEND_IP) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web}
                spec:
                  tls: [{hosts: [secure.example.com]}]
                  rules:
                  - host: web.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]
                  - host: secure.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: big
                  annotations: {nginx.ingress.kubernetes.io/proxy-body-size: 1k}
                spec:
                  rules:
                  - host: big.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]
                """);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void configMap(String data) throws IOException {
        h.controllerConfigMap(data);
    }

    @Test
    void editsApplyLiveAndAnnotationsOverride() throws Exception {
        configMap("""
                proxy-body-size: "10"
                block-user-agents: "~*evilbot,curl/7.0"
                hsts-max-age: "600"
                hsts-preload: "true"
                use-gzip: "true"
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, HTTP, "web.example.com", "/").backend()).isEqualTo("web-1"));
        assertThat(status(post("web.example.com", 100, "test"))).as("100 bytes over proxy-body-size 10").isEqualTo(413);
        assertThat(status(post("big.example.com", 100, "test"))).as("the annotation's 1k wins").isEqualTo(200);
        assertThat(status(post("web.example.com", 5, "Mozilla/5.0 EvilBot/2"))).as("blocked agent").isEqualTo(403);
        assertThat(status(post("web.example.com", 5, "CURL/7.0"))).as("exact entry, any case").isEqualTo(403);
        assertThat(status(post("web.example.com", 5, "curl/7.01"))).as("exact means whole").isEqualTo(200);
        HttpClientSupport.Response tls = HttpClientSupport.getTls(IP, HTTPS, "secure.example.com", "secure.example.com", "/");
        assertThat(tls.head()).contains("Strict-Transport-Security: max-age=600; includeSubDomains; preload");
        assertThat(get(IP, HTTP, "web.example.com", "/").head()).doesNotContainIgnoringCase("strict-transport-security");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("ingress-nginx-controller"))
                .extracting(Event::getReason, Event::getMessage).containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "UnsupportedConfigKey", "ConfigMap ingress-nginx/ingress-nginx-controller: key "
                                + "use-gzip is not applied: Kubeway does not compress responses (" + h.manifests.resolve("controller.yaml") + ")")));

        String table = kubewayGet("ingressconfig");
        assertThat(table.lines().toList()).first().asString().matches("NAME +VALUE +STATUS");
        assertThat(table).containsPattern("proxy-body-size +10 +applied\n")
                .containsPattern("hsts +true +default\n")
                .containsPattern("use-gzip +true +not-applied\n");
        assertThat(kubewayGet("ingressconfig", "-o", "wide")).containsPattern(
                "use-gzip +true +not-applied +ingress-nginx/ingress-nginx-controller +Kubeway does not compress");
        assertThat(kubewayGet("ingressconfig/block-user-agents", "-o", "json"))
                .contains("\"value\" : \"~*evilbot,curl/7.0\"").contains("\"kind\" : \"IngressConfig\"");

        configMap("""
                proxy-body-size: 1m
                whitelist-source-range: 10.0.0.0/8
                hsts: "false"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(post("web.example.com", 5, "x"))).as("not in the whitelist").isEqualTo(403));
        assertThat(HttpClientSupport.getTls(IP, HTTPS, "secure.example.com", "secure.example.com", "/").status())
                .isEqualTo(403);
        configMap("""
                whitelist-source-range: "127.0.0.0/8"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(post("web.example.com", 100, "Mozilla/5.0 EvilBot/2"))).isEqualTo(200));
        assertThat(HttpClientSupport.getTls(IP, HTTPS, "secure.example.com", "secure.example.com", "/").head())
                .as("hsts removed: ingress-nginx's defaults").contains(
                        "Strict-Transport-Security: max-age=15724800; includeSubDomains\r\n");

        // A bad value keeps the last good one (still open to 127.0.0.0/8), with a Warning naming key and value.
        configMap("""
                whitelist-source-range: "127.0.0.0/8, 10.0.0.300"
                block-cidrs: "127.0.0.0/33"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events("ingress-nginx-controller"))
                .extracting(Event::getMessage).anySatisfy(m -> assertThat(m).startsWith(
                        "ConfigMap ingress-nginx/ingress-nginx-controller: key whitelist-source-range: invalid value "
                                + "\"127.0.0.0/8, 10.0.0.300\": \"10.0.0.300\" is not a CIDR or IP address; keeping "
                                + "the last good value \"127.0.0.0/8\"")));
        assertThat(status(post("web.example.com", 5, "x"))).as("block-cidrs never good: fail closed").isEqualTo(503);
        configMap("""
                whitelist-source-range: "127.0.0.0/8, 10.0.0.300"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(post("web.example.com", 5, "x"))).as("last good whitelist").isEqualTo(200));
    }

    @Test
    void aBadRestrictionAtStartFailsClosed() throws Exception {
        configMap("""
                block-user-agents: "~*(evil"
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events("ingress-nginx-controller"))
                .extracting(Event::getReason).contains("InvalidConfigValue"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(status(post("web.example.com", 5, "Mozilla/5.0"))).isEqualTo(503));
        configMap("""
                block-user-agents: "~*evil"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(post("web.example.com", 5, "Mozilla/5.0"))).isEqualTo(200));
    }

    private String kubewayGet(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cmd = new picocli.CommandLine(new io.kubeway.cli.GetCommand());
        cmd.setOut(new java.io.PrintWriter(out));
        cmd.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-address", "127.0.0.1:" + h.server.adminAddress().getPort()));
        assertThat(cmd.execute(all.toArray(String[]::new))).isZero();
        return out.toString();
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** A POST with a body of {@code n} bytes on a new connection; the whole answer. */
    private static String post(String host, int n, String userAgent) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), HTTP), 2000);
            s.setSoTimeout(5000);
            String req = "POST /upload HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + userAgent
                    + "\r\nContent-Length: " + n + "\r\nConnection: close\r\n\r\n" + "x".repeat(n);
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
