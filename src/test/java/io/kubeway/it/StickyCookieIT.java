package io.kubeway.it;

import io.kubeway.IngressSettings;
import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session cookies from an Ingress's annotations to the wire: the Set-Cookie attributes, a session kept on its
 * backend, and change-on-failure moving a session whose pod stopped answering.
 */
class StickyCookieIT {
    static final String IP = "127.0.73.1";
    static final String N = "nginx.ingress.kubernetes.io/";

    @TempDir
    Path tmp;
    Harness h;
    int port;

    @AfterEach
    void tearDown() {
        if (h != null) h.close();
    }

    @Test
    void annotationsSetTheCookieAndChangeOnFailureMovesTheSession() throws Exception {
        h = new Harness(tmp, "127.109.0.0/16", "127.110.0.0/24");
        port = FreePorts.first(FreePorts.range(1));
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), port), null, null,
                null, List.of(), List.of(), "off", false, List.of(), false);
        h.write("app.yaml", pod("web-1", "{app: web}", "127.0.74.1", "[{name: http, containerPort: 8080}]", true)
                + pod("web-2", "{app: web}", "127.0.74.2", "[{name: http, containerPort: 8080}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  annotations:
                    %1$saffinity: cookie
                    %1$saffinity-mode: persistent
                    %1$ssession-cookie-name: route
                    %1$ssession-cookie-max-age: "600"
                    %1$ssession-cookie-expires: "3600"
                    %1$ssession-cookie-samesite: None
                    %1$ssession-cookie-conditional-samesite-none: "true"
                    %1$ssession-cookie-secure: "true"
                    %1$ssession-cookie-change-on-failure: "true"
                spec:
                  rules:
                  - host: web.example.com
                    http:
                      paths:
                      - {path: /shop, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                """.formatted(N));
        java.util.Map<String, io.kubeway.echo.EchoServer> pods = java.util.Map.of(
                "web-1", h.backend("127.0.74.1", 8080, "web-1"), "web-2", h.backend("127.0.74.2", 8080, "web-2"));
        h.start();
        String date = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";
        List<String> first = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            first.clear();
            first.addAll(get("/shop/cart", null, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36"));
            assertThat(first.get(0)).isEqualTo("200");
        });
        assertThat(first.get(1)).matches("route=[0-9a-f]{16}; Expires=" + date + "; Max-Age=600; Path=/shop; Secure; "
                + "HttpOnly; SameSite=None");
        List<String> old = get("/shop", null, "Mozilla/5.0 (iPhone; CPU iPhone OS 12_0 like Mac OS X) Safari/602.1");
        assertThat(old.get(1)).as("an iOS 12 browser gets no SameSite=None")
                .matches("route=[0-9a-f]{16}; Expires=" + date + "; Max-Age=600; Path=/shop; Secure; HttpOnly");

        String cookie = first.get(1).substring(0, first.get(1).indexOf(';'));
        String backend = first.get(2);
        for (int i = 0; i < 4; i++) {
            List<String> r = get("/shop", cookie, null);
            assertThat(r.get(2)).isEqualTo(backend);
            assertThat(r.get(1)).isNull();
        }
        pods.get(backend).close(); // the session's pod stops answering; it is still an endpoint
        List<String> moved = get("/shop", cookie, null);
        assertThat(moved.get(0)).isEqualTo("200");
        assertThat(moved.get(2)).isNotEqualTo(backend);
        assertThat(moved.get(1)).startsWith("route=").doesNotStartWith(cookie + ";");
    }

    /** One GET; returns status, Set-Cookie (or null) and the answering backend (or null). */
    List<String> get(String path, String cookie, String userAgent) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiterals.of(IP), port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: web.example.com\r\nConnection: close\r\n"
                    + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                    + (userAgent == null ? "" : "User-Agent: " + userAgent + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = response.substring(0, response.indexOf("\r\n\r\n"));
            String setCookie = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("set-cookie:")) setCookie = line.substring(11).strip();
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(response);
            List<String> out3 = new ArrayList<>();
            out3.add(head.substring(9, 12));
            out3.add(setCookie);
            out3.add(m.find() ? m.group(1) : null);
            return out3;
        }
    }
}
