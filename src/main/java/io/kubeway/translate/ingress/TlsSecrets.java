package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Secret;
import io.kubeway.core.NamespacedName;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.Pem;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Reads a TLS Secret's {@code tls.crt} and {@code tls.key} (from {@code data}, base64, or {@code stringData},
 * which wins as the API server merges it) and checks them with the JDK: the certificates parse as an X.509 chain
 * (leaf first), the key is PEM PKCS#8, PKCS#1 RSA or SEC1 EC (also Ed25519/Ed448 in PKCS#8), and the key signs
 * what the leaf certificate's public key verifies. The result's PEM is normalised (certificates re-encoded,
 * the key as PKCS#8), so that equal content gives an equal {@link TlsCertificate} and the HTTP engine can load
 * it without BouncyCastle. Like ingress-nginx, any Secret type carrying both keys is accepted (most are
 * {@code kubernetes.io/tls}). No clock is read: expiry is the engine's and the operator's concern.
 */
public final class TlsSecrets {
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448"};

    private TlsSecrets() {
    }

    /** The outcome of reading one Secret. */
    public sealed interface Result {
        /**
         * @param dnsNames the leaf's DNS subjectAltNames (lower-case; the subject CN when there are none), for
         *                 hosts the Ingress does not list in {@code tls.hosts}
         */
        record Ok(TlsCertificate certificate, List<String> dnsNames) implements Result {
            public Ok {
                requireNonNull(certificate, "certificate");
                dnsNames = List.copyOf(dnsNames);
            }
        }

        /** Why the Secret cannot be used. */
        record Invalid(String message) implements Result {
            public Invalid {
                requireNonNull(message, "message");
            }
        }
    }

    /** Parses and checks a Secret; never throws for bad content. */
    public static Result parse(Secret secret) {
        String name = NamespacedName.of(secret).toString();
        try {
            byte[] crt = value(secret, "tls.crt");
            byte[] key = value(secret, "tls.key");
            if (crt == null || key == null) {
                return invalid(name, "no \"" + (crt == null ? "tls.crt" : "tls.key") + "\" key");
            }
            List<X509Certificate> chain = certificates(new String(crt, StandardCharsets.US_ASCII));
            PrivateKeyWithDer pk = privateKey(new String(key, StandardCharsets.US_ASCII));
            if (!matches(pk.key, chain.get(0).getPublicKey())) {
                return invalid(name, "tls.key does not match the certificate's public key");
            }
            StringBuilder pem = new StringBuilder();
            for (X509Certificate c : chain) pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
            TlsCertificate cert = new TlsCertificate(name, pem.toString(), Pem.encode("PRIVATE KEY", pk.pkcs8));
            return new Result.Ok(cert, dnsNames(chain.get(0)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return invalid(name, e.getMessage());
        }
    }

    private static Result invalid(String name, String why) {
        return new Result.Invalid("secret " + name + ": " + why);
    }

    /** A key's bytes ({@code stringData} wins over {@code data}), or null when absent. */
    static byte[] value(Secret s, String key) {
        Map<String, String> stringData = s.getStringData();
        if (stringData != null && stringData.get(key) != null) {
            return stringData.get(key).getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> data = s.getData();
        if (data == null || data.get(key) == null) return null;
        try {
            // Go's encoding/json reads []byte with StdEncoding, which skips only CR and LF.
            return Base64.getDecoder().decode(data.get(key).replace("\r", "").replace("\n", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("broken base64 in \"" + key + "\"");
        }
    }

    private static List<X509Certificate> certificates(String pem) throws CertificateException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (Pem.Block b : Pem.blocks(pem)) {
            if (!b.label().equals("CERTIFICATE")) continue;
            try {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException("tls.crt: certificate " + (out.size() + 1) + " does not parse: "
                        + e.getMessage());
            }
        }
        if (out.isEmpty()) throw new IllegalArgumentException("tls.crt holds no PEM certificate");
        return out;
    }

    private record PrivateKeyWithDer(PrivateKey key, byte[] pkcs8) {
    }

    private static PrivateKeyWithDer privateKey(String pem) {
        for (Pem.Block b : Pem.blocks(pem)) {
            byte[] pkcs8 = switch (b.label()) {
                case "PRIVATE KEY" -> b.der();
                case "RSA PRIVATE KEY" -> Pem.pkcs8FromPkcs1(b.der());
                case "EC PRIVATE KEY" -> Pem.pkcs8FromSec1(b.der());
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException("tls.key is encrypted");
                default -> null;
            };
            if (pkcs8 == null) continue;
            for (String alg : KEY_ALGORITHMS) {
                try {
                    return new PrivateKeyWithDer(KeyFactory.getInstance(alg)
                            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8)), pkcs8);
                } catch (GeneralSecurityException | RuntimeException e) {
                    // not this algorithm: try the next
                }
            }
            throw new IllegalArgumentException("tls.key: " + b.label() + " is not an RSA, EC or EdDSA key");
        }
        throw new IllegalArgumentException("tls.key holds no PEM private key");
    }

    /** The key signs, the certificate's public key verifies: the pair belongs together. */
    private static boolean matches(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
        if (!key.getAlgorithm().equals(pub.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && pub.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "kubeway key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(alg);
        signer.initSign(key);
        signer.update(probe);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance(alg);
        verifier.initVerify(pub);
        verifier.update(probe);
        try {
            return verifier.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    private static List<String> dnsNames(X509Certificate leaf) throws CertificateException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                    names.add(s.toLowerCase(Locale.ROOT));
                }
            }
        }
        if (names.isEmpty()) {
            for (String rdn : leaf.getSubjectX500Principal().getName().split(",")) {
                if (rdn.startsWith("CN=")) names.add(rdn.substring(3).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
