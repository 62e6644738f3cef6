package io.kubeway.dataplane.http;

import tools.jackson.databind.JsonNode;
import io.kubeway.echo.EchoServer;
import io.kubeway.state.ListenKey;
import io.kubeway.state.http.BackendProtocol;
import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.state.http.routing.Backend;
import io.kubeway.state.http.routing.PathMatch;
import io.kubeway.state.http.routing.Route;
import io.kubeway.state.http.routing.RouteConfig;
import io.kubeway.state.http.routing.RoutePolicy;
import io.kubeway.state.http.routing.RouteTable;
import io.kubeway.state.http.routing.VirtualHost;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client certificates end to end: openssl makes the CAs, client certificates, a revocation and its CRL; curl (and
 * openssl s_client, and the JDK for resumption) connect to a real HTTPS listener whose hosts ask for certificates
 * by SNI, and an echo backend shows what headers arrive.
 */
class ClientCertTest {
    static ClientCerts pki;
    static TestCerts serverCerts;
    static EchoServer echo;
    static ProxyFixture f;
    static ListenKey https;
    static ListenKey http;
    static String serverCa;
    static ClientAuth on;
    static final Map<String, ClientAuth> hosts = new LinkedHashMap<>();
    static final Map<String, TlsCertificate> certs = new TreeMap<>();
    static TlsCertificate fallback;

    @BeforeAll
    static void start() throws IOException {
        TestLogging.quiet();
        pki = new ClientCerts();
        pki.ca("client-ca");
        pki.intermediate("client-int", "client-ca");
        pki.ca("evil-ca");
        pki.client("alice", "/O=Kubeway/CN=alice", "client-ca");
        pki.client("bob", "/CN=bob", "client-int");
        pki.client("mallory", "/CN=mallory", "evil-ca");
        pki.client("carol", "/CN=carol", "client-ca");
        pki.client("dave", "/CN=dave", "client-ca");
        pki.client("server-only", "/CN=server-only", "client-ca", "extendedKeyUsage=serverAuth");
        pki.expired("old", "client-ca");
        String crl = pki.revoke("carol", "client-ca") + pki.crl("client-int");
        // bob sends his intermediate along, as a client with a chain does
        java.nio.file.Files.writeString(pki.path("bob-chain.crt"), pki.read("bob.crt") + pki.read("client-int.crt"));

        serverCerts = new TestCerts();
        serverCa = pki.path("server-ca.crt").toString();
        java.nio.file.Files.writeString(pki.path("server-ca.crt"), serverCerts.caPem);
        TlsCertificate cert = serverCerts.issue("demo/tls", TestCerts.Key.RSA_PKCS8, "mtls.test", "opt.test",
                "noca.test", "plain.test", "cn.test", "err.test", "off.test", "d0.test", "rot.test");
        fallback = serverCerts.issue("default", TestCerts.Key.RSA_PKCS8, "kubeway-default");

        echo = EchoServer.start(new InetSocketAddress(ip("127.86.1.1"), 0), "echo");
        f = new ProxyFixture();
        https = ProxyFixture.key("127.86.0.1");
        http = ProxyFixture.key("127.86.0.2");

        String ca = pki.read("client-ca.crt");
        on = auth(ca, crl, ClientAuth.Verify.ON, 1, null, true, null);
        hosts.put("mtls.test", on);
        hosts.put("rot.test", on);
        hosts.put("opt.test", auth(ca, crl, ClientAuth.Verify.OPTIONAL, 1, null, false, null));
        hosts.put("noca.test", auth(ca, crl, ClientAuth.Verify.OPTIONAL_NO_CA, 1, null, false, null));
        hosts.put("cn.test", auth(ca, crl, ClientAuth.Verify.ON, 1, null, false, "CN=bob"));
        hosts.put("err.test", auth(ca, crl, ClientAuth.Verify.ON, 1, "https://example.com/denied", false, null));
        hosts.put("off.test", auth(ca, crl, ClientAuth.Verify.OFF, 1, null, false, null));
        hosts.put("d0.test", auth(ca, crl, ClientAuth.Verify.ON, 0, null, false, null));
        hosts.put("plain.test", null);
        hosts.keySet().forEach(h -> certs.put(h, cert));
        hosts.put("nocert.test", on); // no certificate of its own: the default one, and still asks for a client's
        assertThat(f.proxy.apply(state(hosts, certs, fallback))).isEmpty();
        assertThat(f.proxy.certificateProblems()).isEmpty();
    }

    static ClientAuth auth(String ca, String crl, ClientAuth.Verify verify, int depth, @Nullable String errorPage,
                           boolean pass, @Nullable String matchCn) {
        return new ClientAuth("demo/client-ca", ca, crl, verify, depth, errorPage, pass, matchCn);
    }

    static HttpState state(Map<String, ClientAuth> hosts, Map<String, TlsCertificate> certs, TlsCertificate fallback) {
        Backend backend = new Backend.Service(Fwd.cluster("demo/echo:80", BackendProtocol.HTTP, echo.address()));
        List<VirtualHost> vhs = new ArrayList<>();
        Map<String, ClientAuth> byName = new TreeMap<>();
        hosts.forEach((host, auth) -> {
            Route route = new Route("demo/" + host, host, PathMatch.prefix("/"), backend, null,
                    RoutePolicy.builder().sslRedirect(false).build());
            vhs.add(new VirtualHost(host, true, null, List.of(route), route, auth));
            if (auth != null && auth.verify() != ClientAuth.Verify.OFF) byName.put(host, auth);
        });
        RouteTable table = new RouteTable(new RouteConfig(vhs, new Route("-", "", PathMatch.prefix("/"),
                Backend.NOT_FOUND, null, RoutePolicy.DEFAULT), https.port()));
        return new HttpState(List.of(http), List.of(https), table, certs, fallback, byName);
    }

    @AfterAll
    static void stop() {
        f.close();
        echo.close();
    }

    /** curl's answer: status, headers the backend got (when it got the request), body. */
    record Answer(int status, Map<String, String> upstream, String body, String location) {
    }

    static Answer curl(String host, @Nullable String client, String... extra) {
        List<String> args = new ArrayList<>(List.of("-s", "--max-time", "10", "--cacert", serverCa, "--resolve",
                host + ":" + https.port() + ":" + https.address().getHostAddress(), "-o", "body.txt", "-w",
                "%{http_code} %{redirect_url}"));
        if (client != null) {
            args.addAll(List.of("--cert", pki.path(client.equals("bob") ? "bob-chain.crt" : client + ".crt").toString(),
                    "--key", pki.path(client + ".key").toString()));
        }
        args.addAll(List.of(extra));
        args.add("https://" + host + ":" + https.port() + "/path");
        String[] out = pki.run("curl", args.toArray(String[]::new)).strip().split(" ", 2);
        String body = pki.read("body.txt");
        Map<String, String> upstream = new TreeMap<>();
        if (body.startsWith("{")) {
            JsonNode headers = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(body, JsonNode.class).get("headers");
            headers.properties().forEach(e -> upstream.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asString()));
        }
        return new Answer(Integer.parseInt(out[0]), upstream, body, out.length > 1 ? out[1] : "");
    }

    static Map<String, String> sslHeaders(Answer a) {
        Map<String, String> m = new TreeMap<>();
        a.upstream().forEach((k, v) -> {
            if (k.startsWith("ssl-client-")) m.put(k, v);
        });
        return m;
    }

    @Test
    void onWithAValidCertificatePassesItsDetailsUpstream() {
        Answer a = curl("mtls.test", "alice");
        assertThat(a.status()).isEqualTo(200);
        assertThat(sslHeaders(a)).containsEntry("ssl-client-verify", "SUCCESS")
                .containsEntry("ssl-client-subject-dn", "CN=alice,O=Kubeway")
                .containsEntry("ssl-client-issuer-dn", "CN=client-ca").containsKey("ssl-client-cert");
        assertThat(URLDecoder.decode(a.upstream().get("ssl-client-cert"), StandardCharsets.US_ASCII))
                .isEqualTo(pki.read("alice.crt"));
    }

    @Test
    void onWithAChainThroughAnIntermediate() {
        Answer a = curl("mtls.test", "bob");
        assertThat(a.status()).isEqualTo(200);
        assertThat(sslHeaders(a)).containsEntry("ssl-client-verify", "SUCCESS")
                .containsEntry("ssl-client-issuer-dn", "CN=client-int");
        // depth 0: no intermediate allowed
        Answer d0 = curl("d0.test", "bob");
        assertThat(d0.status()).isEqualTo(400);
        assertThat(d0.body()).contains("The SSL certificate error");
        assertThat(curl("d0.test", "alice").status()).isEqualTo(200);
    }

    @Test
    void aHostWithoutItsOwnCertificateAsksWithTheDefaultOne() {
        Answer a = curl("nocert.test", "alice", "-k");
        assertThat(a.status()).isEqualTo(200);
        assertThat(sslHeaders(a)).containsEntry("ssl-client-verify", "SUCCESS");
        assertThat(curl("nocert.test", null, "-k").status()).isEqualTo(400);
    }

    @Test
    void anExactHostWithoutClientAuthUnderAWildcardWithItNeverAsks() {
        ServerTls tls = new ServerTls();
        TlsCertificate wild = serverCerts.issue("demo/wild", TestCerts.Key.EC_SEC1, "*.wild.test");
        assertThat(tls.update(Map.of("*.wild.test", wild), fallback, Map.of("*.wild.test", on,
                "open.wild.test", ClientAuth.NONE))).isEmpty();
        assertThat(tls.entry("a.wild.test").verifier()).isNotNull();
        assertThat(tls.entry("open.wild.test").verifier()).isNull();
        assertThat(tls.entry("open.wild.test").context()).isNotSameAs(tls.entry("a.wild.test").context());
        assertThat(tls.entry("other.test").verifier()).isNull();
        assertThat(tls.entry(null).verifier()).isNull();
    }

    @Test
    void onRefusesMissingUntrustedRevokedExpiredAndWrongPurpose() {
        Answer none = curl("mtls.test", null);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body()).contains("No required SSL certificate was sent");
        for (String client : List.of("mallory", "carol", "old", "server-only")) {
            Answer a = curl("mtls.test", client);
            assertThat(a.status()).as(client).isEqualTo(400);
            assertThat(a.body()).as(client).contains("The SSL certificate error");
        }
    }

    @Test
    void optionalPassesWithoutCertificateButNotWithABadOne() {
        Answer none = curl("opt.test", null, "-H", "ssl-client-subject-dn: CN=admin", "-H", "ssl-client-cert: forged");
        assertThat(none.status()).isEqualTo(200);
        assertThat(sslHeaders(none)).containsExactly(Map.entry("ssl-client-verify", "NONE"));
        Answer good = curl("opt.test", "alice");
        assertThat(sslHeaders(good)).containsEntry("ssl-client-verify", "SUCCESS").doesNotContainKey("ssl-client-cert");
        assertThat(curl("opt.test", "mallory").status()).isEqualTo(400); // nginx: optional still verifies
    }

    @Test
    void optionalNoCaLetsAnUnknownIssuerPassButNotARevocation() {
        Answer evil = curl("noca.test", "mallory");
        assertThat(evil.status()).isEqualTo(200);
        assertThat(sslHeaders(evil)).containsEntry("ssl-client-verify", "FAILED:unable to get local issuer certificate")
                .containsEntry("ssl-client-subject-dn", "CN=mallory").containsEntry("ssl-client-issuer-dn", "CN=evil-ca");
        assertThat(curl("noca.test", "carol").status()).isEqualTo(400);
        assertThat(sslHeaders(curl("noca.test", null))).containsEntry("ssl-client-verify", "NONE");
    }

    @Test
    void matchCnErrorPageAndOff() {
        Answer alice = curl("cn.test", "alice");
        assertThat(alice.status()).isEqualTo(403);
        assertThat(alice.body()).isEqualTo("client certificate unauthorized");
        assertThat(curl("cn.test", "bob").status()).isEqualTo(200);

        Answer err = curl("err.test", null);
        assertThat(err.status()).isEqualTo(302);
        assertThat(err.location()).isEqualTo("https://example.com/denied");

        Answer off = curl("off.test", "alice");
        assertThat(off.status()).isEqualTo(200);
        assertThat(sslHeaders(off)).containsExactly(Map.entry("ssl-client-verify", "NONE"));
    }

    @Test
    void aHostWithoutClientAuthNeverAsksAndStripsForgedHeaders() {
        String plain = pki.openssl("s_client", "-connect", https.address().getHostAddress() + ":" + https.port(),
                "-servername", "plain.test");
        assertThat(plain).contains("No client certificate CA names sent");
        String mtls = pki.openssl("s_client", "-connect", https.address().getHostAddress() + ":" + https.port(),
                "-servername", "mtls.test");
        assertThat(mtls).contains("Acceptable client certificate CA names").contains("CN = client-ca");

        Answer forged = curl("plain.test", null, "-H", "ssl-client-verify: SUCCESS", "-H",
                "ssl-client-subject-dn: CN=admin", "-H", "SSL-Client-Issuer-DN: CN=client-ca", "-H",
                "ssl-client-cert: x");
        assertThat(forged.status()).isEqualTo(200);
        assertThat(sslHeaders(forged)).isEmpty();
    }

    @Test
    void anotherHostThanTheHandshakesIsMisdirected() {
        // SNI plain.test (no certificate asked), Host mtls.test: nginx answers 421
        Answer a = curl("plain.test", "alice", "-H", "Host: mtls.test");
        assertThat(a.status()).isEqualTo(421);
        // SNI opt.test with a valid certificate, Host mtls.test: also 421 (each name is verified for itself)
        assertThat(curl("opt.test", "alice", "-H", "Host: mtls.test:" + https.port()).status()).isEqualTo(421);
    }

    @Test
    void http2IsCheckedTheSame() {
        Answer a = curl("mtls.test", "alice", "--http2");
        assertThat(a.status()).isEqualTo(200);
        assertThat(sslHeaders(a)).containsEntry("ssl-client-verify", "SUCCESS");
        assertThat(curl("mtls.test", null, "--http2").status()).isEqualTo(400);
    }

    @Test
    void plainHttpGetsNoPassForAHostThatRequiresACertificate() throws IOException {
        RawHttp.Response r = RawHttp.once(http.socketAddress(), RawHttp.get("/path", "mtls.test"));
        assertThat(r.status()).isEqualTo(400);
        RawHttp.Response opt = RawHttp.once(http.socketAddress(), RawHttp.get("/path", "opt.test"));
        assertThat(opt.status()).isEqualTo(200);
        assertThat(opt.echoedHeaders()).containsEntry("ssl-client-verify", "NONE");
    }

    /** A JDK client context presenting {@code client}'s certificate; counts the server certificates it checks. */
    static SSLContext clientContext(String client, AtomicInteger serverChecks) throws Exception {
        pki.openssl("pkcs12", "-export", "-in", client + ".crt", "-inkey", client + ".key", "-out", client + ".p12",
                "-passout", "pass:test");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(pki.path(client + ".p12").toFile())) {
            ks.load(in, "test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "test".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(serverCerts.trustStore());
        X509TrustManager chain = (X509TrustManager) tmf.getTrustManagers()[0];
        X509TrustManager counting = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) throws CertificateException {
                chain.checkServerTrusted(c, a);
                serverChecks.incrementAndGet();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return chain.getAcceptedIssuers();
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[]{counting}, null);
        return ctx;
    }

    @Test
    void aResumedSessionKeepsItsCertificate() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        SSLContext ctx = clientContext("alice", checks);
        String peer = "resume-" + System.nanoTime();
        for (int i = 0; i < 2; i++) {
            try (SSLSocket s = connect(ctx, peer, "mtls.test"); RawHttp h = new RawHttp(s)) {
                RawHttp.Response r = h.send(RawHttp.get("/path", "mtls.test"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.echoedHeaders()).containsEntry("ssl-client-verify", "SUCCESS")
                        .containsEntry("ssl-client-subject-dn", "CN=alice,O=Kubeway");
            }
        }
        assertThat(checks.get()).as("the second handshake resumed (no server certificate checked)").isEqualTo(1);
    }

    @Test
    void aChangedCaSendsAnOpenConnectionToANewOne() throws Exception {
        SSLContext ctx = clientContext("dave", new AtomicInteger());
        try (SSLSocket s = connect(ctx, "rotate-" + System.nanoTime(), "rot.test"); RawHttp h = new RawHttp(s)) {
            assertThat(h.send(RawHttp.get("/path", "rot.test")).status()).isEqualTo(200);
            // dave is revoked: his open connection, verified under the old CRL, must not go on as SUCCESS
            String crl = pki.revoke("dave", "client-ca") + pki.crl("client-int");
            hosts.put("rot.test", new ClientAuth(on.secret(), on.caPem(), crl, on.verify(), on.depth(), null, true, null));
            assertThat(f.proxy.apply(state(hosts, certs, fallback))).isEmpty();
            assertThat(h.send(RawHttp.get("/path", "rot.test")).status()).isEqualTo(421);
        }
        assertThat(curl("rot.test", "dave").status()).isEqualTo(400);
        assertThat(curl("rot.test", "alice").status()).isEqualTo(200);
    }

    static SSLSocket connect(SSLContext ctx, String peer, String sni) throws IOException {
        java.net.Socket plain = new java.net.Socket();
        plain.connect(https.socketAddress(), 5_000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, peer, https.port(), true);
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new javax.net.ssl.SNIHostName(sni)));
        p.setApplicationProtocols(new String[]{"http/1.1"});
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }
}
