package io.kubeway.dataplane.http;

import io.kubeway.state.http.TlsCertificate;
import io.kubeway.tls.Pem;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.Mapping;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The server certificates by SNI name, as a {@link Mapping} for Netty's {@code SniHandler}: the exact name, then
 * {@code *.parent} for exactly one extra label ({@code a.foo.com} matches {@code *.foo.com}, {@code a.b.foo.com}
 * does not), else the default certificate (also for clients without SNI).
 *
 * <p>{@link #update} swaps in a new table atomically; a handshake looks the table up once, when its ClientHello
 * arrives, so established connections keep their certificate and new handshakes get the new one. Contexts are
 * cached by certificate content: an unchanged Secret keeps its context (and its session cache). A certificate
 * that fails to load keeps the last good context under the same name, if there was one.
 *
 * <p>Contexts: TLS 1.3 and 1.2 only, HTTP/2-approved ciphers, ALPN {@code h2} then {@code http/1.1}.
 *
 * <p>Resumption (with OpenSSL/BoringSSL) is by session tickets only, as nginx does by default: stateless, sealed
 * with BoringSSL's own random keys (which it replaces every two days), so a handshake stores nothing on the
 * server. Netty's server-side session cache is off: it would hold every session in the heap.
 */
final class ServerTls implements Mapping<String, SslContext> {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private record Content(String chain, String key) {}

    private record Table(Map<String, SslContext> byName, @Nullable SslContext fallback) {}

    private volatile Table table = new Table(Map.of(), null);
    /** Guarded by this; only touched by {@link #update}. */
    private Map<Content, SslContext> cache = new HashMap<>();

    /**
     * Installs {@code certificates} (by SNI name) and the default.
     *
     * @return the certificates that could not be loaded, by name, with the reason (the rest are in use)
     */
    synchronized SortedMap<String, String> update(Map<String, TlsCertificate> certificates,
                                                  @Nullable TlsCertificate defaultCertificate) {
        SortedMap<String, String> failures = new TreeMap<>();
        Map<Content, SslContext> nextCache = new HashMap<>();
        Map<String, SslContext> byName = new HashMap<>();
        Table previous = table;
        certificates.forEach((name, cert) -> {
            String sni = name.toLowerCase(Locale.ROOT);
            SslContext c = load(cert, nextCache, failures, sni);
            if (c == null) c = previous.byName().get(sni);
            if (c != null) byName.put(sni, c);
        });
        SslContext fallback = defaultCertificate == null ? null : load(defaultCertificate, nextCache, failures, "default");
        if (fallback == null && defaultCertificate != null) fallback = previous.fallback();
        cache = nextCache;
        table = new Table(Map.copyOf(byName), fallback);
        return failures;
    }

    private @Nullable SslContext load(TlsCertificate cert, Map<Content, SslContext> nextCache,
                                      Map<String, String> failures, String label) {
        Content key = new Content(cert.certChainPem(), cert.privateKeyPem());
        SslContext c = nextCache.get(key);
        if (c == null) c = cache.get(key);
        if (c == null) {
            try {
                c = build(cert);
                if (c.sessionContext() instanceof OpenSslSessionContext sc) sc.setSessionCacheEnabled(false);
            } catch (RuntimeException | javax.net.ssl.SSLException e) {
                log.warn("TLS certificate {} for {} cannot be used: {}", cert.name(), label, e.toString());
                failures.put(label, cert.name() + ": " + e.getMessage());
                return null;
            }
        }
        nextCache.put(key, c);
        return c;
    }

    static SslContext build(TlsCertificate cert) throws javax.net.ssl.SSLException {
        byte[] chain = cert.certChainPem().getBytes(StandardCharsets.US_ASCII);
        byte[] key = Pem.toPkcs8Pem(cert.privateKeyPem()).getBytes(StandardCharsets.US_ASCII);
        return SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key))
                .sslProvider(TlsProviders.provider())
                .protocols(TlsProviders.PROTOCOLS)
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    boolean hasDefault() {
        return table.fallback() != null;
    }

    /** The context for a ClientHello's server name (null: no SNI). Never null once a default is installed. */
    @Override
    public @Nullable SslContext map(@Nullable String serverName) {
        Table t = table;
        if (serverName == null || serverName.isEmpty()) return t.fallback();
        String name = serverName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        SslContext c = t.byName().get(name);
        if (c != null) return c;
        int dot = name.indexOf('.');
        if (dot > 0) {
            c = t.byName().get("*" + name.substring(dot));
            if (c != null) return c;
        }
        return t.fallback();
    }
}
