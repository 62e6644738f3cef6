package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.net.InetAddress;

/**
 * What the router may look at in a request. Implemented by the HTTP engine over HTTP/1.1 and HTTP/2
 * requests alike; the router never sees Netty types.
 */
public interface RequestView {
    /** The Host header (HTTP/2: {@code :authority}) without a port, lower-case; empty when absent. */
    String host();

    /** The request path as received, without the query; starts with {@code /}. */
    String path();

    /** The raw query string without {@code ?}, or null. */
    String query();

    /** The method, upper-case. */
    String method();

    /** The first value of a header (case-insensitive name), or null. */
    String header(String name);

    /** The value of a cookie, or null. */
    String cookie(String name);

    /** The client's address: the peer, or the first untrusted address of X-Forwarded-For from a trusted proxy. */
    InetAddress clientIp();

    /** Whether the request arrived over TLS (or, from a trusted proxy, X-Forwarded-Proto was https). */
    boolean tls();

    /**
     * The TLS server name (SNI) the client's handshake named, lower-case without a trailing dot; null over plain
     * HTTP or when the client sent none.
     */
    default @Nullable String serverName() {
        return null;
    }

    /**
     * The connection's client certificate, as verified for the server name of its handshake; null when that name
     * asked for no certificate (plain HTTP, a host without client authentication).
     */
    default @Nullable ClientCertificate clientCertificate() {
        return null;
    }
}
