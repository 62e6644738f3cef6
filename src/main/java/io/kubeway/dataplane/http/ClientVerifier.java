package io.kubeway.dataplane.http;

import io.kubeway.state.http.ClientAuth;
import io.kubeway.state.http.ClientCertificate;
import io.kubeway.tls.Pem;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies client certificates against a host's CA bundle as nginx (OpenSSL) does with {@code ssl_client_certificate},
 * {@code ssl_verify_depth} and {@code ssl_crl}, but after the handshake instead of in it: the handshake accepts any
 * certificate (or none), as nginx's does, and the verdict goes to the router, which answers per request (400, or a
 * pass with {@code ssl-client-verify: FAILED:...}).
 *
 * <p>The chain: the client's certificate, then issuers found among the certificates the client sent (by name;
 * at most {@link #MAX_CHAIN} are looked at) and the bundle's, up to a self-signed certificate of the bundle
 * (OpenSSL trusts only a bundle's roots as anchors; its intermediates help build the chain), with at most
 * {@code depth} intermediates. Then the JDK's PKIX validation of that path (validity, signatures, CA constraints)
 * with, when the Secret has {@code ca.crl}, a CRL for every certificate of the path (OpenSSL's
 * {@code CRL_CHECK_ALL}; never fetched from the network), and OpenSSL's purpose check for a TLS client (an extended
 * key usage, when present, names clientAuth). Failures read as OpenSSL's messages.
 */
final class ClientVerifier {
    /** The most certificates looked at while building a chain (a client may send any number). */
    static final int MAX_CHAIN = 16;
    private static final String CLIENT_AUTH_EKU = "1.3.6.1.5.5.7.3.2";

    final ClientAuth auth;
    private final List<X509Certificate> roots = new ArrayList<>();
    private final List<X509Certificate> intermediates = new ArrayList<>();
    private final X509Certificate[] acceptedIssuers;
    private final List<X509CRL> crls = new ArrayList<>();

    /** @throws GeneralSecurityException if the bundle or the CRLs do not parse (the translation checked them) */
    ClientVerifier(ClientAuth auth) throws GeneralSecurityException {
        this.auth = auth;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> all = new ArrayList<>();
        for (Pem.Block b : Pem.blocks(auth.caPem())) {
            if (!b.label().equals("CERTIFICATE")) continue;
            X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der()));
            all.add(c);
            (selfSigned(c) ? roots : intermediates).add(c);
        }
        if (all.isEmpty()) throw new CertificateException("ca.crt holds no certificate");
        acceptedIssuers = all.toArray(X509Certificate[]::new);
        if (auth.crlPem() != null) {
            for (Pem.Block b : Pem.blocks(auth.crlPem())) {
                if (b.label().equals("X509 CRL")) crls.add((X509CRL) cf.generateCRL(new ByteArrayInputStream(b.der())));
            }
        }
    }

    /** The handshake's trust manager: names the bundle's CAs in the CertificateRequest and accepts everything. */
    X509ExtendedTrustManager trustManager() {
        return new AcceptAll(acceptedIssuers);
    }

    /** The verdict for a finished handshake. */
    ClientCertificate verify(SSLSession session) {
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return ClientCertificate.none(auth);
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : peer) if (c instanceof X509Certificate x && chain.size() < MAX_CHAIN) chain.add(x);
        if (chain.isEmpty()) return ClientCertificate.none(auth);
        return verify(chain, new Date());
    }

    ClientCertificate verify(List<X509Certificate> sent, Date now) {
        X509Certificate leaf = sent.get(0);
        String subject = ClientCertText.dn(leaf.getSubjectX500Principal());
        String issuer = ClientCertText.dn(leaf.getIssuerX500Principal());
        String pem;
        try {
            pem = ClientCertText.escapedPem(leaf);
        } catch (CertificateException e) {
            pem = "";
        }
        Failure f = check(sent, now);
        return new ClientCertificate(auth, f == null ? ClientCertificate.SUCCESS : "FAILED:" + f.reason,
                f != null && f.unknownIssuer, subject, issuer, pem);
    }

    private record Failure(String reason, boolean unknownIssuer) {
    }

    private @Nullable Failure check(List<X509Certificate> sent, Date now) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(sent.get(0));
        X509Certificate anchor = null;
        boolean fromBundle = false;
        while (anchor == null) {
            X509Certificate top = path.get(path.size() - 1);
            anchor = issuerIn(roots, top);
            if (anchor != null) break;
            if (selfSigned(top)) {
                return new Failure(path.size() == 1 ? "self-signed certificate"
                        : "self-signed certificate in certificate chain", true);
            }
            // The client's certificates are matched by name only: their signatures are checked once, on the final
            // path, so a client sending many look-alikes costs no signature checks.
            X509Certificate next = namedIssuerIn(sent.subList(1, sent.size()), top);
            if (next == null) {
                next = issuerIn(intermediates, top);
                if (next != null) fromBundle = true;
            }
            if (next == null || path.contains(next)) {
                return new Failure(fromBundle ? "unable to get issuer certificate"
                        : "unable to get local issuer certificate", true);
            }
            path.add(next);
            if (path.size() - 1 > auth.depth()) return new Failure("certificate chain too long", false);
        }
        try {
            anchor.checkValidity(now);
        } catch (CertificateException e) {
            return new Failure(e instanceof java.security.cert.CertificateExpiredException ? "certificate has expired"
                    : "certificate is not yet valid", false);
        }
        for (X509Certificate c : path) {
            if (!clientPurpose(c)) return new Failure("unsupported certificate purpose", false);
        }
        try {
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setDate(now);
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            if (auth.crlPem() != null) {
                params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(crls)));
                PKIXRevocationChecker rc = (PKIXRevocationChecker) validator.getRevocationChecker();
                rc.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                        PKIXRevocationChecker.Option.NO_FALLBACK));
                params.addCertPathChecker(rc);
                params.setRevocationEnabled(false); // the checker above replaces the default one
            } else {
                params.setRevocationEnabled(false);
            }
            validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return null;
        } catch (CertPathValidatorException e) {
            return new Failure(reason(e), false);
        } catch (GeneralSecurityException e) {
            return new Failure("unspecified certificate verification error", false);
        }
    }

    /** OpenSSL's message for a PKIX failure. */
    private static String reason(CertPathValidatorException e) {
        if (e.getReason() instanceof CertPathValidatorException.BasicReason r) {
            return switch (r) {
                case EXPIRED -> "certificate has expired";
                case NOT_YET_VALID -> "certificate is not yet valid";
                case REVOKED -> "certificate revoked";
                case UNDETERMINED_REVOCATION_STATUS -> "unable to get certificate CRL";
                case INVALID_SIGNATURE -> "certificate signature failure";
                default -> "unspecified certificate verification error";
            };
        }
        if (e.getReason() == PKIXReason.NOT_CA_CERT) return "invalid CA certificate";
        if (e.getReason() == PKIXReason.PATH_TOO_LONG) return "path length constraint exceeded";
        if (e.getReason() == PKIXReason.INVALID_KEY_USAGE) return "key usage does not include certificate signing";
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) return "unable to get local issuer certificate";
        return "unspecified certificate verification error";
    }

    /** OpenSSL's SSL-client purpose: an extended key usage, when present, names clientAuth. */
    private static boolean clientPurpose(X509Certificate c) {
        try {
            List<String> eku = c.getExtendedKeyUsage();
            return eku == null || eku.contains(CLIENT_AUTH_EKU);
        } catch (CertificateException e) {
            return false;
        }
    }

    private static @Nullable X509Certificate namedIssuerIn(List<X509Certificate> candidates, X509Certificate child) {
        for (X509Certificate c : candidates) {
            if (c.getSubjectX500Principal().equals(child.getIssuerX500Principal())) return c;
        }
        return null;
    }

    /** A candidate named as the child's issuer whose key verifies the child's signature (bundle certificates). */
    private static @Nullable X509Certificate issuerIn(List<X509Certificate> candidates, X509Certificate child) {
        for (X509Certificate c : candidates) {
            if (!c.getSubjectX500Principal().equals(child.getIssuerX500Principal())) continue;
            try {
                child.verify(c.getPublicKey());
                return c;
            } catch (GeneralSecurityException | RuntimeException e) {
                // same name, other key: keep looking
            }
        }
        return null;
    }

    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) return false;
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Accepts every client certificate: the verdict is {@link #verify}'s, per request. */
    private static final class AcceptAll extends X509ExtendedTrustManager {
        private final X509Certificate[] issuers;

        AcceptAll(X509Certificate[] issuers) {
            this.issuers = issuers;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server context verifies no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server context verifies no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server context verifies no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }
}
