package io.kubeway.echo;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The echo backend over real sockets: HTTP with the JDK client, raw TCP, UDP. */
class EchoServerTest {
    static EchoServer server;
    static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        server = EchoServer.start(new InetSocketAddress(InetAddress.getByName("127.84.0.1"), 0), "pod-a");
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private URI uri(String path) {
        return URI.create("http://127.84.0.1:" + server.address().getPort() + path);
    }

    @Test
    void httpRequestsGetJsonDescribingThem() throws Exception {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(uri("/some/path?q=1"))
                .header("X-Test", "one").POST(HttpRequest.BodyPublishers.ofString("body")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(resp.headers().firstValueAsLong("content-length")).hasValue(resp.body().getBytes(StandardCharsets.UTF_8).length);
        JsonNode json = Serialization.jsonMapper().readTree(resp.body());
        assertThat(json.get("backend").asString()).isEqualTo("pod-a");
        assertThat(json.get("method").asString()).isEqualTo("POST");
        assertThat(json.get("path").asString()).isEqualTo("/some/path");
        assertThat(json.get("uri").asString()).isEqualTo("/some/path?q=1");
        assertThat(json.get("host").asString()).isEqualTo("127.84.0.1:" + server.address().getPort());
        assertThat(json.get("headers").get("X-Test").asString()).isEqualTo("one");
        assertThat(json.get("client").asString()).startsWith("127.0.0.1:");
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws IOException {
        try (Socket s = socket()) {
            String request = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
            s.getOutputStream().write((request + request).getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(s.getInputStream());
            String second = readResponse(s.getInputStream());
            assertThat(first).startsWith("HTTP/1.1 200 OK").contains("\"path\":\"/a\"");
            assertThat(second).startsWith("HTTP/1.1 200 OK");
            assertThat(first.substring(first.indexOf("\"client\""))).isEqualTo(second.substring(second.indexOf("\"client\"")));
        }
    }

    @Test
    void bytesEndpointStreamsThePattern() throws Exception {
        int n = 3_000_017;
        HttpResponse<byte[]> resp = http.send(HttpRequest.newBuilder(uri("/bytes/" + n)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.headers().firstValueAsLong("content-length")).hasValue(n);
        byte[] body = resp.body();
        assertThat(body).hasSize(n);
        for (int i = 0; i < n; i += 9973) assertThat(body[i]).isEqualTo(PatternBytes.at(i));
        assertThat(body[n - 1]).isEqualTo(PatternBytes.at(n - 1));
    }

    @Test
    void bytesEndpointRefusesMoreThanOneGibibyteAndAnswersHead() throws Exception {
        HttpResponse<String> tooMuch = http.send(HttpRequest.newBuilder(uri("/bytes/" + ((1L << 30) + 1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooMuch.statusCode()).isEqualTo(400);

        HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri("/bytes/" + (1L << 30)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("content-length")).hasValue(1L << 30);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void otherTcpBytesAreEchoedAndAFinIsAnsweredWithAFin() throws IOException {
        try (Socket s = socket()) {
            byte[] data = new byte[200_000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aLoneMethodPrefixIsEchoedAfterAShortWait() throws IOException {
        try (Socket s = socket()) {
            s.getOutputStream().write("GE".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("GE");
            s.getOutputStream().write("T / nope".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("T / nope");
        }
    }

    @Test
    void udpDatagramsAreEchoed() throws IOException {
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.84.9.1"), 0))) {
            c.setSoTimeout(5_000);
            byte[] big = new byte[30_000];
            big[29_999] = 42;
            c.send(new DatagramPacket(big, big.length, server.address()));
            DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
            c.receive(p);
            assertThat(p.getLength()).isEqualTo(30_000);
            assertThat(p.getData()[29_999]).isEqualTo((byte) 42);
            assertThat(p.getSocketAddress()).isEqualTo(server.address());
        }
    }

    @Test
    void aTakenAddressFailsToStart() {
        assertThatThrownBy(() -> EchoServer.start(server.address(), "again"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot bind");
    }

    private static Socket socket() throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.address().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** One HTTP/1.1 response with a Content-Length body, as text. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed");
            head.append((char) c);
        }
        int length = Integer.parseInt(head.toString().lines()
                .filter(l -> l.toLowerCase().startsWith("content-length:")).findFirst().orElseThrow()
                .substring("content-length:".length()).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
