package io.kubeway.dataplane.http;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TLS for the test clients: trusts the test CA only, checks the chain but not the host name (the tests connect to
 * 127.x addresses and choose the certificate by SNI), and remembers the last leaf certificate the server showed.
 */
final class TlsClient {
    final SSLContext context;
    final AtomicReference<X509Certificate> lastLeaf = new AtomicReference<>();

    TlsClient(KeyStore trust) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            X509TrustManager chainCheck = (X509TrustManager) tmf.getTrustManagers()[0];
            context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[]{new Recording(chainCheck)}, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parameters sending {@code sni} (null: no SNI) and offering {@code alpn}. The protocols must be named: the
     * JDK client offers h2 only if its parameters list TLSv1.2 or TLSv1.3.
     */
    static SSLParameters params(String sni, String... alpn) {
        SSLParameters p = new SSLParameters();
        p.setProtocols(new String[]{"TLSv1.3", "TLSv1.2"});
        if (sni != null) p.setServerNames(List.of(new SNIHostName(sni)));
        if (alpn.length > 0) p.setApplicationProtocols(alpn);
        return p;
    }

    /**
     * A handshaken TLS socket to {@code target}. The JDK caches client sessions by host and port and would offer
     * one made for another server name; a fresh peer host per call keeps each handshake a full one.
     */
    SSLSocket connect(InetSocketAddress target, String sni, String... alpn) throws IOException {
        return connectAs(target, "peer-" + System.nanoTime(), null, sni, alpn);
    }

    /**
     * A handshaken TLS socket whose client session is cached under {@code peer} (the same peer again offers to
     * resume), speaking only {@code protocol} unless it is null.
     */
    SSLSocket connectAs(InetSocketAddress target, String peer, String protocol, String sni, String... alpn)
            throws IOException {
        Socket plain = new Socket();
        plain.connect(target, 5_000);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, peer, target.getPort(), true);
        SSLParameters p = s.getSSLParameters();
        if (protocol != null) p.setProtocols(new String[]{protocol});
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (alpn.length > 0) p.setApplicationProtocols(alpn);
        s.setSSLParameters(p);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    /** The CN of the certificate a handshake with {@code sni} gets. */
    String certificateFor(InetSocketAddress target, String sni) throws IOException {
        try (SSLSocket s = connect(target, sni)) {
            return TestCerts.cn((X509Certificate) s.getSession().getPeerCertificates()[0]);
        }
    }

    private final class Recording extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;

        Recording(X509TrustManager delegate) {
            this.delegate = delegate;
        }

        private void check(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            lastLeaf.set(chain[0]);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
