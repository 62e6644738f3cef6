package io.kubeway.dataplane.http;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;

/** The subject and issuer DNs read as OpenSSL prints them for nginx, checked against the openssl command itself. */
class ClientCertTextTest {
    static ClientCerts certs;

    @BeforeAll
    static void ca() {
        certs = new ClientCerts();
        certs.ca("text-ca");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/CN=alice",
            "/C=DE/ST=Berlin/L=Berlin/O=Kubeway, Test/OU=Dev/CN=alice #1/emailAddress=alice@example.com",
            "/C=CH/L=Zürich/O=#Hash;Semi<x>\"q\"/OU= lead/CN=bob\\\\back/UID=u1/DC=example/DC=org",
            "/O=Multi\\+Valued/OU=a+CN=b/serialNumber=1234/title=Dr/GN=Ann/SN=Lee/street=Main St 1/postalCode=10115",
            "/CN=日本語テスト/1.2.3.4=custom"})
    void dnAsOpenSslPrintsIt(String subject) throws Exception {
        String name = "c" + Integer.toHexString(subject.hashCode());
        certs.client(name, subject, "text-ca");
        String expected = certs.openssl("x509", "-in", name + ".crt", "-noout", "-subject", "-nameopt", "RFC2253")
                .strip().substring("subject=".length());
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certs.read(name + ".crt").getBytes(StandardCharsets.US_ASCII)));
        assertThat(ClientCertText.dn(c.getSubjectX500Principal())).isEqualTo(expected);
        assertThat(ClientCertText.dn(c.getIssuerX500Principal())).isEqualTo("CN=text-ca");

        String escaped = ClientCertText.escapedPem(c);
        assertThat(escaped).matches("[A-Za-z0-9._~%-]+").startsWith("-----BEGIN%20CERTIFICATE-----%0A")
                .endsWith("-----END%20CERTIFICATE-----%0A");
        assertThat(URLDecoder.decode(escaped, StandardCharsets.US_ASCII)).isEqualTo(certs.read(name + ".crt")
                .replace("\r", ""));
    }
}
