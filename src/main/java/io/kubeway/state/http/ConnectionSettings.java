package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;

/**
 * Connection-level settings of the Ingress listeners and their backend pools, from the controller ConfigMap
 * (ingress-nginx's keys in brackets). Each null keeps the command line's value (Kubeway's default).
 *
 * @param keepAlive               {@code keep-alive}: how long a client connection may sit idle between requests;
 *                                zero turns keep-alive off (every HTTP/1.1 response closes its connection)
 * @param keepAliveRequests       {@code keep-alive-requests}: requests an HTTP/1.1 client connection carries before
 *                                the response to the last one closes it
 * @param upstreamIdleConnections {@code upstream-keepalive-connections}: idle backend connections kept per endpoint
 *                                and event loop; zero keeps none
 * @param upstreamIdleTimeout     {@code upstream-keepalive-timeout}: an idle backend connection closes after this
 * @param upstreamRequests        {@code upstream-keepalive-requests}: requests an HTTP/1.1 backend connection
 *                                carries before it is closed instead of going back to the pool
 * @param maxHeaderBytes          {@code large-client-header-buffers} number × size: the largest request header block
 *                                (431 past it)
 * @param maxRequestLineBytes     {@code large-client-header-buffers} size: the longest request line (414 past it)
 * @param tlsProtocols            {@code ssl-protocols}: the TLS versions the HTTPS listeners offer, JDK names
 *                                ({@code TLSv1.3}, {@code TLSv1.2})
 * @param tlsCiphers              {@code ssl-ciphers}: the TLS 1.2 cipher suites offered, JDK (IANA) names, in order;
 *                                TLS 1.3 suites are always offered with TLS 1.3, as OpenSSL's {@code ssl_ciphers}
 *                                does not touch them either
 */
public record ConnectionSettings(@Nullable Duration keepAlive, @Nullable Integer keepAliveRequests,
                                 @Nullable Integer upstreamIdleConnections, @Nullable Duration upstreamIdleTimeout,
                                 @Nullable Integer upstreamRequests, @Nullable Integer maxHeaderBytes,
                                 @Nullable Integer maxRequestLineBytes, @Nullable List<String> tlsProtocols,
                                 @Nullable List<String> tlsCiphers) {
    /** Everything from the command line. */
    public static final ConnectionSettings DEFAULT = new ConnectionSettings(null, null, null, null, null, null, null,
            null, null);

    public ConnectionSettings {
        if (tlsProtocols != null) tlsProtocols = List.copyOf(tlsProtocols);
        if (tlsCiphers != null) tlsCiphers = List.copyOf(tlsCiphers);
    }
}
