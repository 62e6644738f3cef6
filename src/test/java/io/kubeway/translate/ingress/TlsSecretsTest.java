package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * TLS Secret parsing with certificates and keys made by {@code openssl} (the JDK has no public certificate
 * builder and BouncyCastle is not a dependency) in every key format kubernetes.io/tls Secrets carry.
 */
class TlsSecretsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl is needed to make test certificates")
                .isTrue();
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa.p8");
        openssl("pkey", "-in", "rsa.p8", "-traditional", "-out", "rsa.p1");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.sec1"); // with an EC PARAMETERS block
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "ec.sec1", "-out", "ec.p8");
        openssl("genpkey", "-algorithm", "ED25519", "-out", "ed.p8");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "other.p8");
        for (String k : List.of("rsa", "ec", "ed")) {
            openssl("req", "-x509", "-key", k + ".p8", "-out", k + ".crt", "-days", "2", "-subj",
                    "/CN=" + k + ".example.com", "-addext",
                    "subjectAltName=DNS:" + k + ".example.com,DNS:*." + k + ".example.com");
        }
        openssl("req", "-x509", "-key", "rsa.p8", "-out", "cn-only.crt", "-days", "2",
                "-subj", "/CN=Legacy.Example.com");
        // A chain: leaf signed by a CA.
        openssl("req", "-x509", "-key", "other.p8", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test-ca");
        openssl("req", "-new", "-key", "ec.p8", "-out", "leaf.csr", "-subj", "/CN=leaf.example.com");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:leaf.example.com\n");
        openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.crt", "-CAkey", "other.p8", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", "leaf.crt");
        Files.writeString(dir.resolve("chain.crt"), read("leaf.crt") + read("ca.crt"));
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }

    private static String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    private static Secret secret(String crt, String key, boolean base64) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withNamespace("default").withName("tls").endMetadata()
                .withType("kubernetes.io/tls");
        Map<String, String> data = new java.util.HashMap<>();
        if (crt != null) data.put("tls.crt", base64 ? Base64.getEncoder().encodeToString(crt.getBytes()) : crt);
        if (key != null) data.put("tls.key", base64 ? Base64.getEncoder().encodeToString(key.getBytes()) : key);
        return (base64 ? b.withData(data) : b.withStringData(data)).build();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @CsvSource({
            "rsa.crt, rsa.p8, rsa.example.com *.rsa.example.com",
            "rsa.crt, rsa.p1, rsa.example.com *.rsa.example.com",
            "ec.crt, ec.p8, ec.example.com *.ec.example.com",
            "ec.crt, ec.sec1, ec.example.com *.ec.example.com",
            "ed.crt, ed.p8, ed.example.com *.ed.example.com",
            "chain.crt, ec.p8, leaf.example.com",
            "cn-only.crt, rsa.p8, legacy.example.com",
    })
    void validPairsParseToNormalisedPem(String crt, String key, String names) throws Exception {
        for (boolean base64 : List.of(true, false)) {
            TlsSecrets.Result r = TlsSecrets.parse(secret(read(crt), read(key), base64));
            assertThat(r).isInstanceOf(TlsSecrets.Result.Ok.class);
            TlsSecrets.Result.Ok ok = (TlsSecrets.Result.Ok) r;
            assertThat(ok.dnsNames()).containsExactly(names.split(" "));
            TlsCertificate cert = ok.certificate();
            assertThat(cert.name()).isEqualTo("default/tls");
            // What the engine gets loads with the JDK alone: X.509 certificates and a PKCS#8 key.
            assertThat(cert.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
            byte[] der = Pem.blocks(cert.privateKeyPem()).get(0).der();
            String alg = key.startsWith("rsa") ? "RSA" : key.startsWith("ed") ? "Ed25519" : "EC";
            assertThat(KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der))).isNotNull();
            int certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(
                    cert.certChainPem().getBytes(StandardCharsets.US_ASCII))).size();
            assertThat(certs).isEqualTo(crt.equals("chain.crt") ? 2 : 1);
        }
    }

    @Test
    void sameContentGivesAnEqualCertificate() throws Exception {
        TlsSecrets.Result a = TlsSecrets.parse(secret(read("rsa.crt"), read("rsa.p1"), true));
        TlsSecrets.Result b = TlsSecrets.parse(secret(read("rsa.crt"), read("rsa.p8"), false));
        assertThat(a).isEqualTo(b);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "key of another certificate | rsa.crt | ec.p8 | tls.key does not match the certificate's public key",
            "EC key of another curve | ec.crt | other.p8 | tls.key does not match the certificate's public key",
            "leaf key is not the CA's | chain.crt | other.p8 | tls.key does not match the certificate's public key",
            "certificate as key | rsa.crt | rsa.crt | tls.key holds no PEM private key",
            "key as certificate | rsa.p8 | rsa.p8 | tls.crt holds no PEM certificate",
    })
    void mismatchedOrSwapped(String name, String crt, String key, String message) throws Exception {
        assertThat(TlsSecrets.parse(secret(read(crt), read(key), true)))
                .isEqualTo(new TlsSecrets.Result.Invalid("secret default/tls: " + message));
    }

    @Test
    void brokenSecrets() throws Exception {
        String crt = read("rsa.crt");
        String key = read("rsa.p8");
        assertThat(TlsSecrets.parse(secret(null, key, true)))
                .isEqualTo(new TlsSecrets.Result.Invalid("secret default/tls: no \"tls.crt\" key"));
        assertThat(TlsSecrets.parse(secret(crt, null, true)))
                .isEqualTo(new TlsSecrets.Result.Invalid("secret default/tls: no \"tls.key\" key"));
        Secret badBase64 = new SecretBuilder(secret(crt, key, true)).addToData("tls.crt", "!!!").build();
        assertThat(TlsSecrets.parse(badBase64))
                .isEqualTo(new TlsSecrets.Result.Invalid("secret default/tls: broken base64 in \"tls.crt\""));
        String corrupt = crt.replace(crt.substring(100, 140), "A".repeat(40));
        assertThat(TlsSecrets.parse(secret(corrupt, key, false))).isInstanceOf(TlsSecrets.Result.Invalid.class)
                .extracting(r -> ((TlsSecrets.Result.Invalid) r).message()).asString()
                .startsWith("secret default/tls: tls.crt: certificate 1 does not parse");
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThat(TlsSecrets.parse(secret(crt, encrypted, false)))
                .isEqualTo(new TlsSecrets.Result.Invalid("secret default/tls: tls.key is encrypted"));
    }

    @Test
    void stringDataWinsOverData() throws Exception {
        Secret s = new SecretBuilder(secret(read("rsa.crt"), read("ec.p8"), true))
                .withStringData(Map.of("tls.key", read("rsa.p8"))).build();
        assertThat(TlsSecrets.parse(s)).isInstanceOf(TlsSecrets.Result.Ok.class);
    }
}
