package io.kubeway.it;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.kubeway.it.Harness.webService;
import static io.kubeway.it.HttpClientSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The controller ConfigMap's connection keys with real clients and a real backend, edited while Kubeway runs:
 * {@code keep-alive}, {@code keep-alive-requests}, {@code upstream-keepalive-connections},
 * {@code upstream-keepalive-timeout}, {@code upstream-keepalive-requests}, {@code large-client-header-buffers},
 * {@code ssl-protocols} and {@code ssl-ciphers}. The backend (the echo server) names the proxy's source address of
 * each request, which tells whether a pooled backend connection was reused.
 */
class ConnectionSettingsIT {
    static final String IP = "127.0.93.1";
    static final int HTTP = 18193;
    static final int HTTPS = 18194;
    static final String BACKEND_IP = "127.0.93.20";
    private static final Pattern CLIENT = Pattern.compile("\"client\"\\s*:\\s*\"([^\"]+)\"");
    private static final String CM = "ingress-nginx-controller";

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.117.0.0/16", "127.118.0.0/24");
        IngressSettings d = IngressSettings.defaults(new InetSocketAddress(IpLiterals.of(IP), HTTP),
                new InetSocketAddress(IpLiterals.of(IP), HTTPS));
        h.ingress = new IngressSettings(d.ingressClass(), d.watchWithoutClass(), d.httpAddress(), d.httpsAddress(),
                null, null, List.of(), List.of(), "off", false, List.of(), false, "ingress-nginx/" + CM);
        h.backend(BACKEND_IP, 8080, "web-1");
        h.write("app.yaml", webService(BACKEND_IP) + """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  annotations: {nginx.ingress.kubernetes.io/ssl-redirect: "false"}
                spec:
                  tls: [{hosts: [secure.example.com]}]
                  rules:
                  - host: web.example.com
                    http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]
                  - host: secure.example.com
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
    void keepAliveBackendPoolAndHeaderLimitsFollowLiveEdits() throws Exception {
        configMap("""
                keep-alive: "1"
                keep-alive-requests: "2"
                upstream-keepalive-requests: "2"
                large-client-header-buffers: "2 1k"
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(IP, HTTP, "web.example.com", "/").backend()).isEqualTo("web-1"));

        // keep-alive-requests 2: the second response on a connection closes it.
        try (Socket s = connect()) {
            assertThat(request(s, "/", "")).doesNotContainIgnoringCase("connection: close");
            assertThat(request(s, "/", "")).containsIgnoringCase("connection: close");
            assertThat(s.getInputStream().read()).as("closed after the second response").isEqualTo(-1);
        }
        // keep-alive 1: an idle connection is closed after about a second (the default is 75 s).
        try (Socket s = connect()) {
            request(s, "/", "");
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).as("closed while idle").isEqualTo(-1);
        }
        // upstream-keepalive-requests 2: a backend connection carries two requests, then a new one is opened.
        String b1 = backendSide(), b2 = backendSide(), b3 = backendSide(), b4 = backendSide();
        assertThat(b2).isEqualTo(b1);
        assertThat(b3).isNotEqualTo(b2);
        assertThat(b4).isEqualTo(b3);
        // large-client-header-buffers 2 1k: the request line fits one buffer (414), the head two (431).
        assertThat(status(oneRequest("/" + "a".repeat(1100), ""))).isEqualTo(414);
        assertThat(status(oneRequest("/", "X-Pad: " + "p".repeat(1500) + "\r\n"))).isEqualTo(200);
        assertThat(status(oneRequest("/", "X-Pad: " + "p".repeat(2500) + "\r\n"))).isEqualTo(431);

        configMap("""
                keep-alive-requests: "3"
                upstream-keepalive-connections: "0"
                large-client-header-buffers: "4 1k"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status(oneRequest("/", "X-Pad: " + "p".repeat(2500) + "\r\n"))).isEqualTo(200));
        try (Socket s = connect()) {
            assertThat(request(s, "/", "")).doesNotContainIgnoringCase("connection: close");
            assertThat(request(s, "/", "")).doesNotContainIgnoringCase("connection: close");
            assertThat(request(s, "/", "")).containsIgnoringCase("connection: close");
        }
        assertThat(backendSide()).as("upstream-keepalive-connections 0: nothing pooled").isNotEqualTo(backendSide());

        // A bad value keeps the last good one, with a Warning naming key and value.
        configMap("""
                keep-alive-requests: "many"
                upstream-keepalive-timeout: "1"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events(CM))
                .extracting(Event::getMessage).anySatisfy(m -> assertThat(m).startsWith("ConfigMap ingress-nginx/"
                        + CM + ": key keep-alive-requests: invalid value \"many\": must be a whole number; keeping "
                        + "the last good value \"3\"")));
        try (Socket s = connect()) {
            request(s, "/", "");
            request(s, "/", "");
            assertThat(request(s, "/", "")).as("still 3").containsIgnoringCase("connection: close");
        }
        // upstream-keepalive-timeout 1: pooled again (320 by default), and closed after a second idle.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(backendSide()).isEqualTo(backendSide()));
        String before = backendSide();
        Thread.sleep(3_000);
        assertThat(backendSide()).as("the idle backend connection was closed").isNotEqualTo(before);
    }

    @Test
    void tlsProtocolsAndCiphersFollowLiveEdits() throws Exception {
        configMap("""
                ssl-protocols: "TLSv1.3"
                """);
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(handshake("TLSv1.3", null)).isEqualTo("TLSv1.3"));
        assertThatThrownBy(() -> handshake("TLSv1.2", null)).isInstanceOf(SSLHandshakeException.class);

        configMap("""
                ssl-protocols: "TLSv1 TLSv1.2"
                ssl-ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:!aNULL"
                """);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(handshake("TLSv1.2", null)).isEqualTo("TLSv1.2"));
        assertThatThrownBy(() -> handshake("TLSv1.3", null)).isInstanceOf(SSLHandshakeException.class);
        assertThat(suite("TLSv1.2", null)).matches("TLS_ECDHE_(ECDSA|RSA)_WITH_AES_256_GCM_SHA384");
        String[] aes128 = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
        assertThatThrownBy(() -> handshake("TLSv1.2", aes128)).isInstanceOf(SSLHandshakeException.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events(CM)).extracting(Event::getMessage)
                .anySatisfy(m -> assertThat(m).startsWith("ConfigMap ingress-nginx/" + CM + ": key ssl-protocols: "
                        + "TLSv1 not offered"))
                .anySatisfy(m -> assertThat(m).startsWith("ConfigMap ingress-nginx/" + CM + ": key ssl-ciphers: "
                        + "!aNULL ignored")));

        // An unknown name (or an OpenSSL keyword) keeps the last good list.
        configMap("""
                ssl-protocols: "TLSv1.2"
                ssl-ciphers: "HIGH:ECDHE-RSA-AES128-GCM-SHA256"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(h.events(CM)).extracting(Event::getMessage)
                .anySatisfy(m -> assertThat(m).contains("key ssl-ciphers: invalid value").contains("\"HIGH\" is not")
                        .contains("keeping the last good value")));
        assertThatThrownBy(() -> handshake("TLSv1.2", aes128)).isInstanceOf(SSLHandshakeException.class);
        assertThat(suite("TLSv1.2", null)).matches("TLS_ECDHE_(ECDSA|RSA)_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void computeFullForwardedForFollowsLiveEdits() throws Exception {
        configMap("""
                use-forwarded-headers: "true"
                proxy-real-ip-cidr: "127.0.0.0/8"
                """);
        h.start();
        String chain = "X-Forwarded-For: 9.9.9.9, 1.2.3.4\r\n";
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(oneRequest("/", chain)).as("the default, false: $remote_addr")
                        .contains("\"x-forwarded-for\":\"1.2.3.4\""));
        configMap("""
                use-forwarded-headers: "true"
                proxy-real-ip-cidr: "127.0.0.0/8"
                compute-full-forwarded-for: "true"
                """);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(oneRequest("/", chain))
                .contains("\"x-forwarded-for\":\"9.9.9.9, 1.2.3.4, 127.0.0.1\""));
    }

    /** A TLS handshake with only {@code protocol} (and {@code ciphers}, if given) enabled; the protocol agreed. */
    private static String handshake(String protocol, String[] ciphers) throws IOException {
        try (SSLSocket s = tls(protocol, ciphers)) {
            return s.getSession().getProtocol();
        }
    }

    private static String suite(String protocol, String[] ciphers) throws IOException {
        try (SSLSocket s = tls(protocol, ciphers)) {
            return s.getSession().getCipherSuite();
        }
    }

    private static SSLSocket tls(String protocol, String[] ciphers) throws IOException {
        SSLSocket s = (SSLSocket) HttpClientSupport.trustAll().getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), HTTPS), 2000);
            s.setSoTimeout(5000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("secure.example.com")));
            params.setProtocols(new String[] {protocol});
            if (ciphers != null) params.setCipherSuites(ciphers);
            s.setSSLParameters(params);
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(IpLiterals.of(IP), HTTP), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** The proxy's address as the backend saw it, for one request on a new client connection. */
    private static String backendSide() throws IOException {
        String r = oneRequest("/", "");
        Matcher m = CLIENT.matcher(r);
        assertThat(m.find()).as(r).isTrue();
        return m.group(1);
    }

    private static String oneRequest(String path, String headers) throws IOException {
        try (Socket s = connect()) {
            return request(s, path, headers);
        }
    }

    /** One GET on an open connection; the response head and body (by Content-Length). */
    private static String request(Socket s, String path, String headers) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: web.example.com\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed after: " + head);
            head.append((char) b);
        }
        Matcher len = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        String body = len.find() ? new String(in.readNBytes(Integer.parseInt(len.group(1))), StandardCharsets.UTF_8)
                : "";
        return head + body;
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }
}
