package io.kubeway.dataplane.http;

import io.kubeway.state.http.ClientAuth;
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
import java.util.List;
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
 * <p>Contexts: TLS 1.3 and 1.2 with HTTP/2-approved ciphers unless the controller ConfigMap says otherwise
 * ({@link #protocols}), ALPN {@code h2} then {@code http/1.1}.
 *
 * <p>Client certificates: a name whose host has client authentication gets its own context (cached by certificate
 * and {@link ClientAuth}) that asks for a certificate, with the {@link ClientVerifier} that judges it after the
 * handshake ({@link Entry}). Every other name keeps a context that never asks. Contexts do not share session
 * tickets, so a session made for one never resumes under the other.
 *
 * <p>Resumption (with OpenSSL/BoringSSL) is by session tickets only, as nginx does by default: stateless, sealed
 * with BoringSSL's own random keys (which it replaces every two days), so a handshake stores nothing on the
 * server. Netty's server-side session cache is off: it would hold every session in the heap.
 */
final class ServerTls implements Mapping<String, SslContext> {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private record Content(String chain, String key, @Nullable ClientAuth clientAuth, Versions versions) {}

    /**
     * The protocols and TLS 1.2 ciphers offered (the controller ConfigMap's {@code ssl-protocols} and
     * {@code ssl-ciphers}, JDK names); TLS 1.3 suites are always offered with TLS 1.3.
     */
    record Versions(List<String> protocols, List<String> ciphers) {
        /** TLS 1.3 and 1.2 with HTTP/2-approved ciphers. */
        static final Versions DEFAULT = new Versions(List.of(TlsProviders.PROTOCOLS), Http2SecurityUtil.CIPHERS);
        /** TLS 1.3's suites, which no ssl-ciphers list takes away (as with OpenSSL). */
        private static final List<String> TLS13 = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256");

        Versions {
            protocols = List.copyOf(protocols);
            ciphers = List.copyOf(ciphers);
        }

        List<String> suites() {
            if (this == DEFAULT || ciphers.containsAll(TLS13)) return ciphers;
            List<String> all = new java.util.ArrayList<>(TLS13);
            all.addAll(ciphers);
            return all;
        }
    }

    /** Guarded by this: the versions the next {@link #update} builds contexts with. */
    private Versions versions = Versions.DEFAULT;

    /**
     * What a server name's handshake uses: its context, and the verifier of its client certificates (null when it
     * asks for none).
     */
    record Entry(SslContext context, @Nullable ClientVerifier verifier) {}

    private record Table(Map<String, Entry> byName, @Nullable Entry fallback) {}

    private volatile Table table = new Table(Map.of(), null);

    /**
     * Sets the protocols and ciphers (null: the defaults) for the contexts of the next {@link #update}: contexts
     * are rebuilt then, so new handshakes use them and established connections keep theirs.
     */
    synchronized void protocols(@Nullable List<String> protocols, @Nullable List<String> ciphers) {
        versions = protocols == null && ciphers == null ? Versions.DEFAULT
                : new Versions(protocols != null ? protocols : Versions.DEFAULT.protocols(),
                        ciphers != null ? ciphers : Versions.DEFAULT.ciphers());
    }

    /** Guarded by this; only touched by {@link #update}. */
    private Map<Content, Entry> cache = new HashMap<>();

    /**
     * Installs {@code certificates} (by SNI name) and the default.
     *
     * @return the certificates that could not be loaded, by name, with the reason (the rest are in use)
     */
    synchronized SortedMap<String, String> update(Map<String, TlsCertificate> certificates,
                                                  @Nullable TlsCertificate defaultCertificate) {
        return update(certificates, defaultCertificate, Map.of());
    }

    /**
     * Installs {@code certificates} and {@code clientAuth} (both by SNI name) and the default. A name of either map
     * gets the certificate and the client authentication that name selects in each (exact, else one-label
     * wildcard; the default certificate, no client authentication), so a handshake asks for a client certificate
     * exactly when the router's host for that name has client authentication.
     *
     * @return the server names that could not be set up, with the reason (a name keeps its last good context,
     *         unless that one lacks the client authentication the name now needs; without a context the name gets
     *         the default one, which asks for no certificate, so the router refuses what needs one)
     */
    synchronized SortedMap<String, String> update(Map<String, TlsCertificate> certificates,
                                                  @Nullable TlsCertificate defaultCertificate,
                                                  Map<String, ClientAuth> clientAuth) {
        SortedMap<String, String> failures = new TreeMap<>();
        Map<Content, Entry> nextCache = new HashMap<>();
        Map<String, Entry> byName = new HashMap<>();
        Table previous = table;
        Map<String, TlsCertificate> certs = lowerCase(certificates);
        Map<String, ClientAuth> auths = lowerCase(clientAuth);
        java.util.Set<String> names = new java.util.TreeSet<>(certs.keySet());
        names.addAll(auths.keySet());
        for (String sni : names) {
            TlsCertificate cert = lookup(certs, sni);
            if (cert == null) cert = defaultCertificate;
            ClientAuth auth = lookup(auths, sni);
            if (auth != null && auth.verify() == ClientAuth.Verify.OFF) auth = null; // asks for nothing
            if (cert == null) {
                failures.put(sni, "no certificate");
                continue;
            }
            Entry e = load(cert, auth, nextCache, failures, sni);
            if (e == null) {
                Entry last = previous.byName().get(sni);
                // the last good context, unless it would drop a client authentication this name now needs
                if (last != null && (auth == null || last.verifier() != null)) e = last;
            }
            // None: the default context, which asks for no certificate; the router then finds none (fail closed).
            if (e != null) byName.put(sni, e);
        }
        Entry fallback = defaultCertificate == null ? null : load(defaultCertificate, null, nextCache, failures, "default");
        if (fallback == null && defaultCertificate != null) fallback = previous.fallback();
        cache = nextCache;
        table = new Table(Map.copyOf(byName), fallback);
        return failures;
    }

    private static <T> Map<String, T> lowerCase(Map<String, T> byName) {
        Map<String, T> out = new HashMap<>();
        byName.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }

    /** The value for a server name: exact, else {@code *.parent} for one extra label. */
    private static <T> @Nullable T lookup(Map<String, T> byName, String name) {
        T v = byName.get(name);
        if (v != null) return v;
        int dot = name.indexOf('.');
        return dot > 0 && !name.startsWith("*.") ? byName.get("*" + name.substring(dot)) : null;
    }

    private @Nullable Entry load(TlsCertificate cert, @Nullable ClientAuth auth, Map<Content, Entry> nextCache,
                                 Map<String, String> failures, String label) {
        Content key = new Content(cert.certChainPem(), cert.privateKeyPem(), auth, versions);
        Entry e = nextCache.get(key);
        if (e == null) e = cache.get(key);
        if (e == null) {
            try {
                ClientVerifier verifier = auth == null ? null : new ClientVerifier(auth);
                SslContext c = build(cert, verifier, versions);
                if (c.sessionContext() instanceof OpenSslSessionContext sc) sc.setSessionCacheEnabled(false);
                e = new Entry(c, verifier);
            } catch (RuntimeException | java.security.GeneralSecurityException | javax.net.ssl.SSLException ex) {
                String what = auth == null ? cert.name() : cert.name() + " with client CA " + auth.secret();
                log.warn("TLS certificate {} for {} cannot be used: {}", what, label, ex.toString());
                failures.put(label, what + ": " + ex.getMessage());
                return null;
            }
        }
        nextCache.put(key, e);
        return e;
    }

    static SslContext build(TlsCertificate cert) throws javax.net.ssl.SSLException {
        return build(cert, null);
    }

    /**
     * A server context; with a verifier it asks for a client certificate (optional in the handshake, as nginx's
     * {@code ssl_verify_client}: the router answers per request), naming the bundle's CAs.
     */
    static SslContext build(TlsCertificate cert, @Nullable ClientVerifier verifier) throws javax.net.ssl.SSLException {
        return build(cert, verifier, Versions.DEFAULT);
    }

    static SslContext build(TlsCertificate cert, @Nullable ClientVerifier verifier, Versions versions)
            throws javax.net.ssl.SSLException {
        byte[] chain = cert.certChainPem().getBytes(StandardCharsets.US_ASCII);
        byte[] key = Pem.toPkcs8Pem(cert.privateKeyPem()).getBytes(StandardCharsets.US_ASCII);
        SslContextBuilder b = SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key));
        if (verifier != null) {
            b.clientAuth(io.netty.handler.ssl.ClientAuth.OPTIONAL).trustManager(verifier.trustManager());
        }
        return b
                .sslProvider(TlsProviders.provider())
                .protocols(versions.protocols())
                .ciphers(versions.suites(), SupportedCipherSuiteFilter.INSTANCE)
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
        Entry e = entry(serverName);
        return e == null ? null : e.context();
    }

    /** What a ClientHello's server name (null: no SNI) selects; see {@link #map}. */
    @Nullable Entry entry(@Nullable String serverName) {
        Table t = table;
        if (serverName == null || serverName.isEmpty()) return t.fallback();
        Entry e = lookup(t.byName(), normalize(serverName));
        return e != null ? e : t.fallback();
    }

    /** A server name lower-case, without a trailing dot. */
    static String normalize(String serverName) {
        String name = serverName.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
