package io.kubeway.dataplane.http;

import io.kubeway.state.http.BackendTls;
import io.kubeway.tls.Pem;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * nginx's {@code proxy_ssl_verify on} for one backend TLS setting: the backend's certificate must chain to a CA of
 * {@code ca.crt} (the JDK's PKIX validation: signatures, validity, CA constraints), with at most
 * {@code proxy-ssl-verify-depth} CA certificates above it, and name {@code proxy-ssl-name} (a DNS subjectAltName,
 * one-label wildcards included; the subject CN only when there is no DNS name). Any failure fails the handshake,
 * so the request gets 502: never an unverified connection.
 */
final class BackendVerifier extends X509ExtendedTrustManager {
    private final X509TrustManager pkix;
    private final BackendTls tls;

    BackendVerifier(BackendTls tls) throws GeneralSecurityException {
        this.tls = tls;
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int i = 0;
        for (Pem.Block b : Pem.blocks(tls.caPem())) {
            if (!b.label().equals("CERTIFICATE")) continue;
            store.setCertificateEntry("ca" + i++, cf.generateCertificate(new ByteArrayInputStream(b.der())));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        X509TrustManager found = null;
        for (var tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager x) found = x;
        if (found == null) throw new GeneralSecurityException("no X.509 trust manager");
        this.pkix = found;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("the backend sent no certificate");
        pkix.checkServerTrusted(chain, authType);
        // nginx's depth: CA certificates above the backend's. The chain sent, minus a self-signed root, is the
        // backend's certificate and its intermediates; the trusted CA that signed the last one adds one.
        int above = 0;
        for (int i = 1; i < chain.length; i++) {
            if (!chain[i].getSubjectX500Principal().equals(chain[i].getIssuerX500Principal())) above++;
        }
        above++;
        if (above > tls.verifyDepth()) {
            throw new CertificateException("certificate chain too long (" + above + " CA certificates above the "
                    + "backend's, proxy-ssl-verify-depth " + tls.verifyDepth() + ")");
        }
        if (!names(chain[0], tls.name())) {
            throw new CertificateException("the backend's certificate does not name " + tls.name());
        }
    }

    /** Whether the certificate is for {@code host}: a DNS subjectAltName (or, without any, the CN) matches. */
    static boolean names(X509Certificate c, String host) throws CertificateParsingException {
        String h = host.toLowerCase(Locale.ROOT);
        List<String> dns = new ArrayList<>();
        if (c.getSubjectAlternativeNames() != null) {
            for (List<?> san : c.getSubjectAlternativeNames()) {
                if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) dns.add(String.valueOf(san.get(1)));
            }
        }
        if (dns.isEmpty()) {
            for (String part : c.getSubjectX500Principal().getName().split(",")) {
                if (part.startsWith("CN=")) dns.add(part.substring(3));
            }
        }
        for (String name : dns) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.equals(h)) return true;
            if (n.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(n.substring(1))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
