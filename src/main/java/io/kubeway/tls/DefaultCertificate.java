package io.kubeway.tls;

import io.kubeway.state.http.TlsCertificate;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The certificate the Ingress listener presents for names no Secret covers (as ingress-nginx's "Fake
 * Certificate"): a self-signed ECDSA P-256 certificate, made once and kept in the state dir so that it
 * stays the same across restarts, and made anew when it nears expiry.
 */
public final class DefaultCertificate {
    public static final String CN = "Kubeway Ingress Default Certificate";
    private static final Logger log = LoggerFactory.getLogger(DefaultCertificate.class);
    private static final Duration VALIDITY = Duration.ofDays(365);

    private DefaultCertificate() {
    }

    /** The certificate in {@code stateDir} if still valid for a month, else a new one (saved there). */
    public static TlsCertificate loadOrCreate(Path stateDir, Clock clock) {
        Path cert = stateDir.resolve("default-cert.pem");
        Path key = stateDir.resolve("default-key.pem");
        try {
            if (Files.exists(cert) && Files.exists(key)) {
                String certPem = Files.readString(cert);
                var holder = Pem.certificates(certPem).getFirst();
                if (holder.getNotAfter().toInstant().isAfter(clock.instant().plus(Duration.ofDays(30)))) {
                    return new TlsCertificate("default", certPem, Files.readString(key));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("default certificate in {} unreadable ({}); making a new one", stateDir, e.toString());
        }
        TlsCertificate made = create(clock.instant());
        try {
            Files.createDirectories(stateDir);
            write(key, made.privateKeyPem());
            write(cert, made.certChainPem());
        } catch (IOException e) {
            log.warn("cannot keep the default certificate in {}: {}", stateDir, e.toString());
        }
        return made;
    }

    /** A new self-signed default certificate valid from {@code now} for a year. */
    public static TlsCertificate create(Instant now) {
        return selfSigned("default", CN, java.util.List.of("ingress.local"), now, VALIDITY);
    }

    /**
     * A self-signed ECDSA P-256 certificate for {@code dnsNames} (subject alternative names), valid from an
     * hour before {@code now} for {@code validity}.
     */
    public static TlsCertificate selfSigned(String name, String commonName, java.util.List<String> dnsNames,
                                            Instant now, Duration validity) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = gen.generateKeyPair();
            X500Name subject = new X500Name("CN=" + commonName + ",O=Kubeway");
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                    .map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new TlsCertificate(name, Pem.encode("CERTIFICATE", holder.getEncoded()),
                    Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a certificate: " + e, e);
        }
    }

    private static void write(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
