package io.kubeway.tls;

import io.kubeway.state.http.TlsCertificate;
import io.netty.handler.ssl.SslContextBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultCertificateTest {
    @TempDir
    Path dir;

    @Test
    void makesAUsableSelfSignedCertificateAndKeepsItAcrossRestarts() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);
        TlsCertificate first = DefaultCertificate.loadOrCreate(dir, clock);
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(first.certChainPem().getBytes(StandardCharsets.US_ASCII)));
        assertThat(x509.getSubjectX500Principal().getName()).contains("CN=" + DefaultCertificate.CN);
        x509.verify(x509.getPublicKey()); // self-signed
        assertThat(x509.getNotAfter().toInstant()).isAfter(clock.instant().plus(Duration.ofDays(360)));
        // a TLS server can be built from it
        SslContextBuilder.forServer(new ByteArrayInputStream(first.certChainPem().getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(first.privateKeyPem().getBytes(StandardCharsets.US_ASCII))).build();

        assertThat(DefaultCertificate.loadOrCreate(dir, clock)).isEqualTo(first);
        Clock later = Clock.offset(clock, Duration.ofDays(340)); // within a month of expiry: renewed
        assertThat(DefaultCertificate.loadOrCreate(dir, later)).isNotEqualTo(first);

        Files.writeString(dir.resolve("default-cert.pem"), "garbage");
        assertThat(DefaultCertificate.loadOrCreate(dir, clock).certChainPem()).startsWith("-----BEGIN CERTIFICATE-----");
    }
}
