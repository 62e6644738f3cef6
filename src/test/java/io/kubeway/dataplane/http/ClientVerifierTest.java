package io.kubeway.dataplane.http;

import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.ClientCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdicts, with OpenSSL's messages, for chains made with openssl. */
class ClientVerifierTest {
    static ClientCerts pki;
    static String crl;

    @BeforeAll
    static void make() {
        pki = new ClientCerts();
        pki.ca("root");
        pki.intermediate("int", "root");
        pki.client("leaf", "/CN=leaf", "root");
        pki.client("deep", "/CN=deep", "int");
        pki.client("gone", "/CN=gone", "root");
        pki.expired("old", "root");
        pki.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out", "self.crt",
                "-days", "2", "-subj", "/CN=self");
        crl = pki.revoke("gone", "root");
    }

    static ClientCertificate verify(String bundle, @Nullable String crls, int depth, String... chain) throws Exception {
        ClientVerifier v = new ClientVerifier(new ClientAuth("t/ca", bundle, crls, ClientAuth.Verify.ON, depth, null,
                false, null));
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        for (String c : chain) {
            certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(
                    pki.read(c + ".crt").getBytes(StandardCharsets.US_ASCII))));
        }
        return v.verify(certs, new Date());
    }

    @Test
    void verdicts() throws Exception {
        String root = pki.read("root.crt");
        assertThat(verify(root, null, 1, "leaf").verify()).isEqualTo("SUCCESS");
        assertThat(verify(root, null, 1, "deep", "int").verify()).isEqualTo("SUCCESS");
        assertThat(verify(root + pki.read("int.crt"), null, 1, "deep").verify()).isEqualTo("SUCCESS");
        assertThat(verify(root, null, 0, "deep", "int").verify()).isEqualTo("FAILED:certificate chain too long");

        ClientCertificate noIssuer = verify(root, null, 1, "deep");
        assertThat(noIssuer.verify()).isEqualTo("FAILED:unable to get local issuer certificate");
        assertThat(noIssuer.unknownIssuer()).isTrue();
        ClientCertificate self = verify(root, null, 1, "self");
        assertThat(self.verify()).isEqualTo("FAILED:self-signed certificate");
        assertThat(self.unknownIssuer()).isTrue();
        // the bundle's intermediate alone is no anchor (OpenSSL needs a root)
        assertThat(verify(pki.read("int.crt"), null, 1, "deep").verify())
                .isEqualTo("FAILED:unable to get issuer certificate");

        assertThat(verify(root, null, 1, "old").verify()).isEqualTo("FAILED:certificate has expired");
        ClientCertificate revoked = verify(root, crl, 1, "gone");
        assertThat(revoked.verify()).isEqualTo("FAILED:certificate revoked");
        assertThat(revoked.unknownIssuer()).isFalse();
        assertThat(verify(root, crl, 1, "leaf").verify()).isEqualTo("SUCCESS");
        // with CRLs, every certificate of the path needs one (OpenSSL's CRL_CHECK_ALL)
        assertThat(verify(root, crl, 1, "deep", "int").verify()).isEqualTo("FAILED:unable to get certificate CRL");
        assertThat(verify(root, crl + pki.crl("int"), 1, "deep", "int").verify()).isEqualTo("SUCCESS");
    }
}
