package io.kubeway.dataplane.http;

import io.kubeway.state.http.BackendTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jspecify.annotations.Nullable;

import javax.net.ssl.SSLException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client TLS contexts for backends (backend-protocol HTTPS and GRPCS). By default, like ingress-nginx
 * ({@code proxy_ssl_verify off}, {@code proxy_ssl_server_name off}), the backend's certificate is not verified
 * and no SNI is sent: pods present self-signed or cluster-CA certificates for names the proxy cannot know.
 * A route's {@code proxy-ssl-*} ({@link BackendTls}) gets its own context: its client certificate, its CAs
 * ({@link BackendVerifier}), its protocols; SNI is set per connection. Contexts are cached by setting, at most
 * {@link #MAX_CONTEXTS} (then the cache starts over: a changed Secret leaves its old context behind).
 */
final class UpstreamTls {
    /** The most backend TLS contexts kept for {@code proxy-ssl-*} settings. */
    static final int MAX_CONTEXTS = 256;

    private volatile SslContext http1;
    private volatile SslContext http2;
    private final ConcurrentHashMap<List<Object>, SslContext> custom = new ConcurrentHashMap<>();

    SslContext context(boolean h2) {
        SslContext c = h2 ? http2 : http1;
        if (c != null) return c;
        synchronized (this) {
            if (h2 && http2 == null) http2 = build(true, null);
            if (!h2 && http1 == null) http1 = build(false, null);
            return h2 ? http2 : http1;
        }
    }

    /** A handler for a new connection: the default context, or {@code tls}'s with its SNI when asked for. */
    SslHandler handler(boolean h2, @Nullable BackendTls tls, ByteBufAllocator alloc) {
        if (tls == null) return context(h2).newHandler(alloc);
        List<Object> key = List.of(h2, tls);
        SslContext c = custom.get(key);
        if (c == null) {
            if (custom.size() >= MAX_CONTEXTS) custom.clear();
            c = custom.computeIfAbsent(key, k -> build(h2, tls));
        }
        return tls.serverName() ? c.newHandler(alloc, tls.name(), 443) : c.newHandler(alloc);
    }

    private static SslContext build(boolean h2, @Nullable BackendTls tls) {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(TlsProviders.provider())
                .protocols(tls == null || tls.protocols().isEmpty() ? TlsProviders.PROTOCOLS
                        : tls.protocols().toArray(String[]::new))
                .endpointIdentificationAlgorithm(null); // names are checked by BackendVerifier, when asked
        try {
            if (tls != null && tls.verify()) b.trustManager(new BackendVerifier(tls));
            else b.trustManager(InsecureTrustManagerFactory.INSTANCE);
            if (tls != null && tls.certChainPem() != null) {
                b.keyManager(new ByteArrayInputStream(tls.certChainPem().getBytes(StandardCharsets.US_ASCII)),
                        new ByteArrayInputStream(tls.keyPem().getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up backend TLS " + tls + ": " + e.getMessage(), e);
        }
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
