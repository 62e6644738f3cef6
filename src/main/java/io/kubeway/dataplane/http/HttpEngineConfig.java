package io.kubeway.dataplane.http;

import io.kubeway.dataplane.ConnectionLimits;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the HTTP(S) proxy engine behind the Ingress listeners.
 *
 * @param trustedProxies       CIDRs (or single addresses) whose X-Forwarded-For / -Proto / -Host / -Port headers are
 *                             believed; from anyone else those headers are replaced
 * @param clientIdleTimeout    how long a keep-alive client connection may sit between requests, and how long a
 *                             client may stall while sending a body or reading a response (nginx's
 *                             keepalive_timeout, client_body_timeout and send_timeout)
 * @param requestHeaderTimeout how long a new connection may take to deliver its first request head, TLS and
 *                             protocol detection included (nginx's client_header_timeout)
 * @param maxHeaderBytes       the largest request header block; larger ones get 431
 * @param maxInitialLineBytes  the longest request line; longer ones get 414
 * @param upstreamIdleTimeout  an idle pooled backend connection is closed after this long
 * @param maxIdlePerEndpoint   idle backend connections kept per endpoint and per event loop
 * @param accessLog            {@code off}, {@code text} (nginx-like) or {@code json}; lines go to the slf4j logger
 *                             {@code io.kubeway.access} at INFO
 * @param limits               client connections and backend connects allowed at once (per listener, per client)
 * @param underscoresInHeaders whether request header names with underscores are forwarded; by default they are
 *                             dropped, as nginx does ({@code underscores_in_headers off}): a backend may read
 *                             {@code X_User} as {@code X-User}, which a proxy that checks {@code X-User} let pass
 */
public record HttpEngineConfig(List<String> trustedProxies, Duration clientIdleTimeout, Duration requestHeaderTimeout,
                               int maxHeaderBytes, int maxInitialLineBytes, Duration upstreamIdleTimeout,
                               int maxIdlePerEndpoint, String accessLog, ConnectionLimits limits,
                               boolean underscoresInHeaders) {
    /** The values {@link #accessLog} accepts. */
    public static final Set<String> ACCESS_LOG_FORMATS = Set.of("off", "text", "json");

    public HttpEngineConfig {
        trustedProxies = List.copyOf(trustedProxies);
        CidrSet.parse(trustedProxies); // fail early on a malformed entry
        positive(clientIdleTimeout, "clientIdleTimeout");
        positive(requestHeaderTimeout, "requestHeaderTimeout");
        positive(upstreamIdleTimeout, "upstreamIdleTimeout");
        if (maxHeaderBytes < 1024) throw new IllegalArgumentException("maxHeaderBytes must be >= 1024: " + maxHeaderBytes);
        if (maxInitialLineBytes < 256) {
            throw new IllegalArgumentException("maxInitialLineBytes must be >= 256: " + maxInitialLineBytes);
        }
        if (maxIdlePerEndpoint < 0) throw new IllegalArgumentException("maxIdlePerEndpoint must be >= 0: " + maxIdlePerEndpoint);
        requireNonNull(limits, "limits");
        accessLog = requireNonNull(accessLog, "accessLog").toLowerCase(Locale.ROOT);
        if (!ACCESS_LOG_FORMATS.contains(accessLog)) {
            throw new IllegalArgumentException("accessLog must be one of off, text, json: " + accessLog);
        }
    }

    /**
     * No trusted proxies, 60 s client idle and header timeouts, 32 KiB of headers, 8 KiB request line, 60 s
     * upstream idle timeout, 320 idle connections per endpoint and event loop (ingress-nginx's
     * upstream-keepalive-connections per worker; fewer makes busy routes churn backend connections), no access log,
     * {@link ConnectionLimits#defaults()}, header names with underscores dropped.
     */
    public static HttpEngineConfig defaults() {
        return new HttpEngineConfig(List.of(), Duration.ofSeconds(60), Duration.ofSeconds(60), 32 * 1024, 8 * 1024,
                Duration.ofSeconds(60), 320, "off", ConnectionLimits.defaults(), false);
    }

    public HttpEngineConfig withTrustedProxies(List<String> cidrs) {
        return new HttpEngineConfig(cidrs, clientIdleTimeout, requestHeaderTimeout, maxHeaderBytes, maxInitialLineBytes,
                upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withClientIdleTimeout(Duration timeout) {
        return new HttpEngineConfig(trustedProxies, timeout, requestHeaderTimeout, maxHeaderBytes, maxInitialLineBytes,
                upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withRequestHeaderTimeout(Duration timeout) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, timeout, maxHeaderBytes, maxInitialLineBytes,
                upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withLimits(int headerBytes, int initialLineBytes) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, requestHeaderTimeout, headerBytes, initialLineBytes,
                upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withUpstreamPool(Duration idleTimeout, int maxIdle) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, requestHeaderTimeout, maxHeaderBytes,
                maxInitialLineBytes, idleTimeout, maxIdle, accessLog, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withAccessLog(String format) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, requestHeaderTimeout, maxHeaderBytes,
                maxInitialLineBytes, upstreamIdleTimeout, maxIdlePerEndpoint, format, limits, underscoresInHeaders);
    }

    public HttpEngineConfig withConnectionLimits(ConnectionLimits next) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, requestHeaderTimeout, maxHeaderBytes,
                maxInitialLineBytes, upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, next, underscoresInHeaders);
    }

    public HttpEngineConfig withUnderscoresInHeaders(boolean allowed) {
        return new HttpEngineConfig(trustedProxies, clientIdleTimeout, requestHeaderTimeout, maxHeaderBytes,
                maxInitialLineBytes, upstreamIdleTimeout, maxIdlePerEndpoint, accessLog, limits, allowed);
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }
}
