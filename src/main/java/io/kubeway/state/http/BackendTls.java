package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * TLS to a backend as ingress-nginx's {@code proxy-ssl-*} annotations configure it (nginx's {@code proxy_ssl_*}).
 * Without it (the default) a backend's certificate is not verified and no SNI is sent, as ingress-nginx does.
 * Compared by content: the same annotations and Secret mean the same connections (they share a pool).
 *
 * @param secret       {@code ns/name} of {@code proxy-ssl-secret}, or null
 * @param caPem        {@code ca.crt}: the CAs the backend's certificate must chain to, or null (then
 *                     {@code verify} is false)
 * @param certChainPem {@code tls.crt}: the client certificate presented to the backend, or null
 * @param keyPem       {@code tls.key} (PKCS#8 PEM), with {@code certChainPem}
 * @param verify       {@code proxy-ssl-verify: on}: a backend certificate that does not chain to {@code caPem} within
 *                     {@code verifyDepth}, or does not name {@code name}, fails the connection (502)
 * @param verifyDepth  {@code proxy-ssl-verify-depth}: the most CA certificates above the backend's (nginx's depth)
 * @param name         {@code proxy-ssl-name}: the name verified and sent as SNI
 * @param serverName   {@code proxy-ssl-server-name: on}: send {@code name} as SNI
 * @param protocols    {@code proxy-ssl-protocols} that Kubeway speaks ({@code TLSv1.2}, {@code TLSv1.3}); empty for
 *                     both
 */
public record BackendTls(@Nullable String secret, @Nullable String caPem, @Nullable String certChainPem,
                         @Nullable String keyPem, boolean verify, int verifyDepth, String name, boolean serverName,
                         List<String> protocols) {
    public BackendTls {
        requireNonNull(name, "name");
        protocols = List.copyOf(protocols);
        if (verify && caPem == null) throw new IllegalArgumentException("verify without ca.crt");
        if ((certChainPem == null) != (keyPem == null)) throw new IllegalArgumentException("certificate without key");
        if (verifyDepth < 0) throw new IllegalArgumentException("verifyDepth " + verifyDepth);
    }

    /** The same settings verifying and naming {@code n} (the translation's default name for a Service). */
    public BackendTls withName(String n) {
        return new BackendTls(secret, caPem, certChainPem, keyPem, verify, verifyDepth, n, serverName, protocols);
    }

    @Override
    public String toString() { // never the key
        return "BackendTls[secret=" + secret + ", verify=" + verify + ", depth=" + verifyDepth + ", name=" + name
                + ", sni=" + serverName + ", protocols=" + protocols + "]";
    }
}
