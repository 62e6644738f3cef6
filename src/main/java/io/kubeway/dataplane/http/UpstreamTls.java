package io.kubeway.dataplane.http;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * Client TLS contexts for backends (backend-protocol HTTPS and GRPCS). Like ingress-nginx
 * ({@code proxy_ssl_verify off}, {@code proxy_ssl_server_name off}) the backend's certificate is not verified
 * and no SNI is sent: pods present self-signed or cluster-CA certificates for names the proxy cannot know.
 */
final class UpstreamTls {
    private volatile SslContext http1;
    private volatile SslContext http2;

    SslContext context(boolean h2) {
        SslContext c = h2 ? http2 : http1;
        if (c != null) return c;
        synchronized (this) {
            if (h2 && http2 == null) http2 = build(true);
            if (!h2 && http1 == null) http1 = build(false);
            return h2 ? http2 : http1;
        }
    }

    private static SslContext build(boolean h2) {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(TlsProviders.provider())
                .protocols(TlsProviders.PROTOCOLS)
                .trustManager(InsecureTrustManagerFactory.INSTANCE);
        if (h2) {
            b.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2));
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the backend TLS context", e);
        }
    }
}
