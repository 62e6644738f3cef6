package io.kubeway.dataplane.http;

import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.Router;
import io.kubeway.state.http.TlsCertificate;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS listeners: certificate choice by SNI, TLS versions, ALPN, rotation without dropping connections. */
class TlsTest {
    static TestCerts certs;
    static TlsCertificate shop;
    static TlsCertificate apps;
    static TlsCertificate fallback;
    static EchoServer echo;
    static ProxyFixture f;
    static ListenKey https;
    static TlsClient client;
    static final AtomicReference<RequestView> lastRequest = new AtomicReference<>();
    static Router router;

    @BeforeAll
    static void start() {
        TestLogging.quiet();
        certs = new TestCerts();
        shop = certs.issue("demo/shop-tls", TestCerts.Key.RSA_PKCS1, "shop.test", "www.shop.test");
        apps = certs.issue("demo/apps-tls", TestCerts.Key.EC_SEC1, "*.apps.test");
        fallback = certs.issue("default", TestCerts.Key.RSA_PKCS8, "kubeway-default");
        echo = EchoServer.start(new InetSocketAddress(ip("127.83.1.1"), 0), "echo");
        f = new ProxyFixture();
        Fwd route = Fwd.to(echo.address());
        Fwd sticky = Fwd.to(echo.address());
        sticky.affinity = new io.kubeway.state.http.RouteDecision.EndpointAffinity.Cookie("INGRESSCOOKIE", "/sticky", 0);
        router = r -> {
            lastRequest.set(r);
            return r.path().startsWith("/sticky") ? sticky.build(r) : route.build(r);
        };
        https = ProxyFixture.key("127.83.0.1");
        assertThat(f.apply(List.of(), List.of(https), router, certificates(shop), fallback)).isEmpty();
        client = new TlsClient(certs.trustStore());
    }

    static Map<String, TlsCertificate> certificates(TlsCertificate shopCert) {
        return Map.of("shop.test", shopCert, "www.shop.test", shopCert, "*.apps.test", apps);
    }

    @AfterAll
    static void stop() {
        f.close();
        echo.close();
    }

    @ParameterizedTest(name = "SNI {0} gets {1}")
    @CsvSource(nullValues = "none", value = {
            "shop.test, shop.test",
            "SHOP.TEST, shop.test",
            "www.shop.test, shop.test",
            "a.apps.test, *.apps.test",
            "a.b.apps.test, kubeway-default",
            "apps.test, kubeway-default",
            "other.test, kubeway-default",
            "none, kubeway-default"})
    void certificateByServerName(String sni, String expectedCn) throws IOException {
        assertThat(client.certificateFor(https.socketAddress(), sni)).isEqualTo(expectedCn);
    }

    @Test
    void proxiesHttp11OverTls() throws IOException {
        try (SSLSocket s = client.connect(https.socketAddress(), "shop.test", "http/1.1");
             RawHttp http = new RawHttp(s)) {
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            RawHttp.Response r = http.send(RawHttp.get("/", "shop.test"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.echoedHeaders()).containsEntry("x-forwarded-proto", "https")
                    .containsEntry("x-forwarded-port", Integer.toString(https.port()));
            assertThat(lastRequest.get().tls()).isTrue();
            assertThat(http.send(RawHttp.get("/", "shop.test")).status()).isEqualTo(200); // keep-alive over TLS
        }
    }

    /** ingress-nginx marks the sticky cookie Secure when the request came over HTTPS ($https = on). */
    @Test
    void stickyCookieIsSecureOverHttps() throws IOException {
        try (SSLSocket s = client.connect(https.socketAddress(), "shop.test", "http/1.1");
             RawHttp http = new RawHttp(s)) {
            RawHttp.Response r = http.send(RawHttp.get("/sticky", "shop.test"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("set-cookie")).matches("INGRESSCOOKIE=[0-9a-f]{16}; Path=/sticky; Secure; HttpOnly");
        }
    }

    @Test
    void tls12And13OnlyAndAlpnPrefersH2() throws IOException {
        try (SSLSocket s = client.connect(https.socketAddress(), "shop.test", "h2", "http/1.1")) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
        }
        try (SSLSocket s = client.connect(https.socketAddress(), "shop.test")) {
            assertThat(s.getApplicationProtocol()).isEmpty(); // no ALPN offered: HTTP/1.1
        }
        try (SSLSocket s = (SSLSocket) client.context.getSocketFactory().createSocket(https.address(), https.port())) {
            s.setEnabledProtocols(new String[]{"TLSv1.2"});
            s.startHandshake();
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"TLSv1.3", "TLSv1.2"})
    void resumesSessionsByTicket(String protocol) throws IOException {
        String peer = "resume-" + protocol + "-" + System.nanoTime();
        try (SSLSocket s = client.connectAs(https.socketAddress(), peer, protocol, "shop.test");
             RawHttp http = new RawHttp(s)) {
            assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
            // TLS 1.3 tickets come after the handshake: a response read brings it along
            assertThat(http.send(RawHttp.get("/", "shop.test")).status()).isEqualTo(200);
        }
        client.lastLeaf.set(null);
        try (SSLSocket s = client.connectAs(https.socketAddress(), peer, protocol, "shop.test");
             RawHttp http = new RawHttp(s)) {
            assertThat(http.send(RawHttp.get("/", "shop.test")).status()).isEqualTo(200);
            // A resumed handshake shows no certificate. The server keeps no session cache, so for TLS 1.2 (which
            // could also resume by session ID) this is the ticket at work.
            assertThat(client.lastLeaf.get()).as("certificate checked again: not resumed").isNull();
        }
    }

    @Test
    void rotationChangesNewHandshakesAndKeepsEstablishedConnections() throws IOException {
        try (SSLSocket s = client.connect(https.socketAddress(), "shop.test", "http/1.1");
             RawHttp before = new RawHttp(s)) {
            BigInteger oldSerial = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
            assertThat(before.send(RawHttp.get("/", "shop.test")).status()).isEqualTo(200);
            SslContext unchanged = f.proxy.engine().serverTls().map("a.apps.test");

            TlsCertificate renewed = certs.issue("demo/shop-tls", TestCerts.Key.EC_SEC1, "shop.test", "www.shop.test");
            assertThat(f.apply(List.of(), List.of(https), router, certificates(renewed), fallback)).isEmpty();

            client.certificateFor(https.socketAddress(), "shop.test");
            assertThat(client.lastLeaf.get().getSerialNumber()).isNotEqualTo(oldSerial);
            assertThat(f.proxy.engine().serverTls().map("a.apps.test")).isSameAs(unchanged); // unchanged Secret
            assertThat(before.send(RawHttp.get("/", "shop.test")).status()).isEqualTo(200); // still the old session

            // put the original back for the other tests
            assertThat(f.apply(List.of(), List.of(https), router, certificates(shop), fallback)).isEmpty();
        }
    }

    @Test
    void brokenCertificateKeepsTheLastGoodOne() throws IOException {
        SslContext good = f.proxy.engine().serverTls().map("shop.test");
        TlsCertificate broken = new TlsCertificate("demo/shop-tls", shop.certChainPem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThat(f.apply(List.of(), List.of(https), router, certificates(broken), fallback)).isEmpty();
        assertThat(f.proxy.certificateProblems()).containsOnlyKeys("shop.test", "www.shop.test");
        assertThat(f.proxy.engine().serverTls().map("shop.test")).isSameAs(good);
        assertThat(client.certificateFor(https.socketAddress(), "shop.test")).isEqualTo("shop.test");
        assertThat(f.apply(List.of(), List.of(https), router, certificates(shop), fallback)).isEmpty();
        assertThat(f.proxy.certificateProblems()).isEmpty();
    }

    @Test
    void plainHttpOnTheHttpsPortFailsTheHandshake() throws IOException {
        assertThatThrownBy(() -> RawHttp.once(https.socketAddress(), RawHttp.get("/", "shop.test")))
                .isInstanceOf(IOException.class);
    }
}
