package io.kubeway.dataplane.http;

import io.kubeway.state.http.TlsCertificate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for the tests with the {@code openssl} command (present on the build machines; the JDK has
 * no public API to issue certificates). One throwaway CA signs leaf certificates with RSA (PKCS#1 key, as
 * cert-manager writes them) or ECDSA P-256 (SEC1 key) keys.
 */
final class TestCerts {
    private final Path dir;
    final String caPem;

    TestCerts() {
        try {
            dir = Files.createTempDirectory("kubeway-certs");
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                    "-subj", "/CN=kubeway-test-ca", "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            caPem = Files.readString(dir.resolve("ca.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the leaf's private key is written. */
    enum Key { RSA_PKCS1, RSA_PKCS8, EC_SEC1 }

    /** A leaf for {@code names} (the first is the CN), signed by the CA; chain = leaf + CA. */
    TlsCertificate issue(String secretName, Key keyKind, String... names) {
        try {
            String base = "leaf" + System.nanoTime();
            switch (keyKind) {
                case EC_SEC1 -> openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", base + ".key");
                case RSA_PKCS1 -> openssl("genrsa", "-traditional", "-out", base + ".key", "2048");
                case RSA_PKCS8 -> openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", base + ".key");
            }
            openssl("req", "-new", "-key", base + ".key", "-subj", "/CN=" + names[0], "-out", base + ".csr");
            List<String> san = new ArrayList<>();
            for (String n : names) san.add("DNS:" + n);
            Files.writeString(dir.resolve(base + ".ext"), "subjectAltName=" + String.join(",", san) + "\n");
            openssl("x509", "-req", "-in", base + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-days", "2", "-out", base + ".crt", "-extfile", base + ".ext");
            String leaf = Files.readString(dir.resolve(base + ".crt"));
            String key = Files.readString(dir.resolve(base + ".key"));
            return new TlsCertificate(secretName, leaf + caPem, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A trust store holding the CA. */
    KeyStore trustStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
            return ks;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CN of a certificate's subject. */
    static String cn(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName();
        for (String part : dn.split(",")) if (part.startsWith("CN=")) return part.substring(3);
        return dn;
    }

    private void openssl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
