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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.kubeway.it.Harness.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ingress-nginx's {@code --tcp-services-configmap} and {@code --udp-services-configmap} with real traffic: Service
 * ports exposed on the Ingress address (HTTP over a TCP entry, a UDP echo over a UDP entry) reach the Service's
 * endpoints; a bad entry gets a Warning naming its key and the others keep serving; an edit applies live.
 */
class ExposedServicesIT {
    static final String IP = "127.0.89.1";
    static final int HTTP = 18195;
    static final int TCP_PORT = 18196;
    static final int UDP_PORT = 18197;
    static final String BACKEND_IP = "127.0.89.20";
    static final String READER_IP = "127.0.89.21";

    @TempDir
    Path tmp;
    Harness h;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp, "127.111.0.0/16", "127.112.0.0/24");
        h.ingress = new IngressSettings("kubeway", false, new InetSocketAddress(IpLiterals.of(IP), HTTP), null, null,
                null, List.of(), List.of(), "off", false, List.of(), false, null, "ingress-nginx/tcp-services",
                "ingress-nginx/udp-services");
        h.backend(BACKEND_IP, 9000, "echo-1");
        proxyReader();
        h.write("app.yaml", pod("echo-1", "{app: echo}", BACKEND_IP,
                "[{name: tcp, containerPort: 9000}, {name: udp, containerPort: 9000, protocol: UDP}]", true)
                + pod("reader-1", "{app: reader}", READER_IP, "[{name: tcp, containerPort: 9100}]", true) + """
                apiVersion: v1
                kind: Service
                metadata: {name: reader, namespace: default}
                spec:
                  selector: {app: reader}
                  ports: [{name: tcp, port: 7100, targetPort: tcp}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: echo, namespace: default}
                spec:
                  selector: {app: echo}
                  ports:
                  - {name: tcp, port: 7000, targetPort: tcp}
                  - {name: udp, port: 7000, targetPort: udp, protocol: UDP}
                """);
    }

    @AfterEach
    void tearDown() throws IOException {
        h.close();
        if (reader != null) reader.close();
    }

    java.net.ServerSocket reader;

    /**
     * A backend that reads the PROXY header line and the first client line, and answers both on one line: what a
     * PROXY-reading server (HAProxy's accept-proxy, nginx's proxy_protocol) would see.
     */
    private void proxyReader() throws IOException {
        reader = new java.net.ServerSocket();
        reader.bind(new InetSocketAddress(IpLiterals.of(READER_IP), 9100));
        Thread.ofVirtual().start(() -> {
            while (!reader.isClosed()) {
                try (java.net.Socket s = reader.accept()) {
                    s.setSoTimeout(5000);
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    String header = in.readLine();
                    String line = in.readLine();
                    s.getOutputStream().write((header + " | " + line + "\n").getBytes(
                            java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // closed, or a client that went away
                }
            }
        });
    }

    private void services(String name, String data) throws IOException {
        h.write(name + ".yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: %s, namespace: ingress-nginx}
                data:
                """.formatted(name) + data.indent(2));
    }

    @Test
    void tcpAndUdpEntriesServeAndABadOneIsReported() throws Exception {
        services("tcp-services", """
                "%d": default/echo:7000
                "%d": default/missing:80
                "%d": default/reader:7100:PROXY:PROXY
                "%d": default/reader:7100::PROXY
                """.formatted(TCP_PORT, TCP_PORT + 10, TCP_PORT + 11, TCP_PORT + 12));
        services("udp-services", """
                "%d": default/echo:udp
                """.formatted(UDP_PORT));
        h.start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(Harness.whoAnswers(IP, TCP_PORT)).isEqualTo("echo-1"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(Harness.udpRoundTrip(IP, UDP_PORT, "ping over udp")).isEqualTo("ping over udp"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(h.events("tcp-services"))
                .extracting(Event::getMessage).containsExactlyInAnyOrder(
                        "ConfigMap ingress-nginx/tcp-services (--tcp-services-configmap): key " + (TCP_PORT + 10)
                                + " (\"default/missing:80\"): service default/missing not found; this entry is not "
                                + "served (" + h.manifests.resolve("tcp-services.yaml") + ")"));
        // ns/svc:port::PROXY: the backend gets a PROXY v1 header naming the client and the exposed address
        try (java.net.Socket c = new java.net.Socket()) {
            c.bind(new InetSocketAddress(IpLiterals.of("127.0.89.7"), 0));
            c.connect(new InetSocketAddress(IpLiterals.of(IP), TCP_PORT + 12), 2000);
            c.setSoTimeout(5000);
            c.getOutputStream().write("hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String got = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(got).isEqualTo("PROXY TCP4 127.0.89.7 " + IP + " " + c.getLocalPort() + " " + (TCP_PORT + 12)
                    + " | hello");
        }
        // ns/svc:port:PROXY:PROXY: the client's PROXY header names the client the backend's header names
        try (java.net.Socket c = new java.net.Socket()) {
            c.connect(new InetSocketAddress(IpLiterals.of(IP), TCP_PORT + 11), 2000);
            c.setSoTimeout(5000);
            c.getOutputStream().write("PROXY TCP4 198.51.100.7 203.0.113.1 5555 80\r\nhello\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String got = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            assertThat(got).isEqualTo("PROXY TCP4 198.51.100.7 203.0.113.1 5555 80 | hello");
        }
        try (java.net.Socket c = new java.net.Socket()) {
            c.connect(new InetSocketAddress(IpLiterals.of(IP), TCP_PORT + 11), 2000);
            c.setSoTimeout(8000);
            c.getOutputStream().write("hello\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int first;
            try {
                first = c.getInputStream().read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first).as("no PROXY header: closed").isEqualTo(-1);
        }
        assertThat(h.server.view().listeners()).extracting(Object::toString)
                .anySatisfy(l -> assertThat(l).contains(IP + ":" + TCP_PORT));

        services("tcp-services", """
                "%d": default/echo:7000
                """.formatted(TCP_PORT + 1));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(Harness.whoAnswers(IP, TCP_PORT + 1)).isEqualTo("echo-1"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(IpLiterals.of(IP), TCP_PORT), 1000);
                throw new AssertionError("the removed entry still listens");
            } catch (java.net.ConnectException expected) {
                // gone
            }
        });
    }
}
