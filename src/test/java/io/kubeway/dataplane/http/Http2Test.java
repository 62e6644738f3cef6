package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.TlsCertificate;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/2 from clients (TLS ALPN and cleartext prior knowledge) and to backends (gRPC-shaped, with and without TLS). */
class Http2Test {
    static TestCerts certs;
    static EchoServer echo;
    static TestBackends grpc;
    static TestBackends grpcTls;
    static TestBackends httpsBackend;
    static ProxyFixture f;
    static ListenKey http;
    static ListenKey https;
    static TlsClient tls;
    static SslContext clientH2;

    @BeforeAll
    static void start() throws Exception {
        TestLogging.quiet();
        certs = new TestCerts();
        TlsCertificate shop = certs.issue("demo/shop-tls", TestCerts.Key.RSA_PKCS1, "shop.test");
        TlsCertificate backendCert = certs.issue("demo/backend-tls", TestCerts.Key.RSA_PKCS8, "backend.internal");
        SslContext backendH2 = serverContext(backendCert, true);
        echo = EchoServer.start(new InetSocketAddress(ip("127.84.1.1"), 0), "echo");
        grpc = TestBackends.grpc(new InetSocketAddress(ip("127.84.1.2"), 0), null);
        grpcTls = TestBackends.grpc(new InetSocketAddress(ip("127.84.1.3"), 0), backendH2);
        httpsBackend = TestBackends.http1(new InetSocketAddress(ip("127.84.1.4"), 0), serverContext(backendCert, false));

        f = new ProxyFixture();
        f.hosts.put("echo.test", Fwd.to(echo.address()).router());
        f.hosts.put("127.84.0.2", Fwd.to(echo.address()).router()); // the JDK client sends the IP as Host
        f.hosts.put("grpc.test", Fwd.to(BackendProtocol.GRPC, grpc.address()).router());
        f.hosts.put("grpcs.test", Fwd.to(BackendProtocol.GRPCS, grpcTls.address()).router());
        f.hosts.put("https.test", Fwd.to(BackendProtocol.HTTPS, httpsBackend.address()).router());
        http = ProxyFixture.key("127.84.0.1");
        https = ProxyFixture.key("127.84.0.2");
        assertThat(f.apply(List.of(http), List.of(https), f.byHost, Map.of("shop.test", shop), shop)).isEmpty();

        tls = new TlsClient(certs.trustStore());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(certs.trustStore());
        clientH2 = SslContextBuilder.forClient().trustManager(tmf)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2)).build();
    }

    static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    static SslContext serverContext(TlsCertificate c, boolean h2) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(
                new ByteArrayInputStream(c.certChainPem().getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(c.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
        if (h2) b.applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2));
        return b.build();
    }

    @AfterAll
    static void stop() {
        f.close();
        echo.close();
        grpc.close();
        grpcTls.close();
        httpsBackend.close();
    }

    @Test
    void jdkClientGetsHttp2OverTlsAndMultiplexes() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls.context)
                .sslParameters(TlsClient.params("shop.test")).version(HttpClient.Version.HTTP_2).build();
        URI uri = URI.create("https://127.84.0.2:" + https.port() + "/hello?x=1");
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> r : all) {
            HttpResponse<String> resp = r.get();
            assertThat(resp.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).contains("\"uri\":\"/hello?x=1\"").contains("\"x-forwarded-proto\":\"https\"");
        }
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("a body")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).contains("\"method\":\"POST\"");
    }

    @Test
    void largeHttp2DownloadStreamsUnderFlowControl() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls.context)
                .sslParameters(TlsClient.params("shop.test")).version(HttpClient.Version.HTTP_2).build();
        long size = 64L << 20;
        try (StreamingTest.MemoryWatch watch = new StreamingTest.MemoryWatch()) {
            HttpResponse<InputStream> resp = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.84.0.2:" + https.port() + "/bytes/" + size)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(resp.version()).isEqualTo(HttpClient.Version.HTTP_2);
            CRC32 crc = new CRC32();
            long n = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = resp.body()) {
                for (int r; (r = in.read(buf)) > 0; n += r) crc.update(buf, 0, r);
            }
            assertThat(n).isEqualTo(size);
            assertThat(crc.getValue()).isEqualTo(StreamingTest.patternCrc(size));
            assertThat(watch.max()).isLessThan(StreamingTest.MAX_BUFFERED);
        }
    }

    @Test
    void cleartextPriorKnowledgeToAnHttp11Backend() throws Exception {
        try (H2Client c = new H2Client(http.socketAddress(), null, null)) {
            H2Client.Response r = c.exchange(H2Client.request("GET", "http", "echo.test", "/p?q=1"), null);
            assertThat(r.status()).isEqualTo("200");
            assertThat(r.text()).contains("\"host\":\"echo.test\"").contains("\"uri\":\"/p?q=1\"");
            H2Client.Response post = c.exchange(H2Client.request("POST", "http", "echo.test", "/upload"),
                    "0123456789".getBytes(StandardCharsets.US_ASCII));
            assertThat(post.text()).contains("\"method\":\"POST\"");
        }
    }

    @Test
    void grpcEndToEndWithTrailersOverCleartext() throws Exception {
        try (H2Client c = new H2Client(http.socketAddress(), null, null)) {
            H2Client.Response r = c.exchange(grpcRequest("http", "grpc.test", "/echo.Echo/Say"), "ping".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo("200");
            assertThat(r.headers().get("content-type").toString()).isEqualTo("application/grpc");
            assertThat(r.headers().get("x-seen-authority").toString()).isEqualTo("grpc.test");
            assertThat(r.headers().get("x-seen-te").toString()).isEqualTo("trailers");
            assertThat(r.headers().get("x-seen-scheme").toString()).isEqualTo("http");
            assertThat(r.headers().get("x-seen-xff").toString()).startsWith("127.");
            assertThat(r.text()).isEqualTo("ping");
            assertThat(r.trailers().get("grpc-status").toString()).isEqualTo("0");
            assertThat(r.trailers().get("grpc-message").toString()).isEqualTo("ok");

            H2Client.Response failed = c.exchange(grpcRequest("http", "grpc.test", "/echo.Echo/fail"), "x".getBytes(StandardCharsets.UTF_8));
            assertThat(failed.headers().get("grpc-status").toString()).isEqualTo("13"); // trailers-only response
        }
    }

    @Test
    void grpcBidirectionalStreamingPassesEachMessageAtOnce() throws Exception {
        try (H2Client c = new H2Client(http.socketAddress(), null, null)) {
            H2Client.Stream s = c.open();
            s.headers(grpcRequest("http", "grpc.test", "/echo.Echo/Chat"), false);
            assertThat(s.next().headers().status().toString()).isEqualTo("200");
            for (String msg : List.of("one", "two", "three")) {
                s.data(msg.getBytes(StandardCharsets.UTF_8), false);
                assertThat(s.next().text()).isEqualTo(msg); // the echo arrives before the next message is sent
            }
            s.data(new byte[0], true);
            H2Client.Frame end = s.next();
            while (end.headers() == null) end = s.next();
            assertThat(end.headers().get("grpc-status").toString()).isEqualTo("0");
            assertThat(end.endStream()).isTrue();
        }
    }

    @Test
    void grpcsOverTlsOnBothSidesSharesOneBackendConnection() throws Exception {
        int before = grpcTls.connections.get();
        try (H2Client c = new H2Client(https.socketAddress(), clientH2, "shop.test")) {
            List<H2Client.Stream> streams = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                H2Client.Stream s = c.open();
                s.headers(grpcRequest("https", "grpcs.test", "/echo.Echo/Say"), false);
                s.data(("m" + i).getBytes(StandardCharsets.UTF_8), true);
                streams.add(s);
            }
            for (int i = 0; i < 10; i++) {
                H2Client.Response r = streams.get(i).response();
                assertThat(r.text()).isEqualTo("m" + i);
                assertThat(r.headers().get("x-seen-scheme").toString()).isEqualTo("https");
                assertThat(r.trailers().get("grpc-status").toString()).isEqualTo("0");
            }
        }
        // one client connection lives on one event loop, whose pool multiplexes all streams on one connection
        assertThat(grpcTls.connections.get() - before).isEqualTo(1);
    }

    @Test
    void http11ClientsReachHttpsAndGrpcBackends() throws Exception {
        RawHttp.Response viaTls = RawHttp.once(http.socketAddress(), RawHttp.get("/secure", "https.test"));
        assertThat(viaTls.text()).isEqualTo("tls=yes path=/secure proto=http");

        RawHttp.Response grpcOverH1 = RawHttp.once(http.socketAddress(), "POST /echo.Echo/Say HTTP/1.1\r\nHost: grpc.test\r\n"
                + "Content-Type: application/grpc\r\nTE: trailers\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(grpcOverH1.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(grpcOverH1.text()).isEqualTo("hello");
        assertThat(grpcOverH1.trailers()).containsEntry("grpc-status", "0");
    }

    static Http2Headers grpcRequest(String scheme, String authority, String path) {
        return H2Client.request("POST", scheme, authority, path).add("content-type", "application/grpc").add("te", "trailers");
    }
}
