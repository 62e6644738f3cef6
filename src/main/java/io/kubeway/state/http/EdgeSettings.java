package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * How the Ingress listeners take in client connections, as the controller ConfigMap sets it; new connections
 * read the current value, open ones keep the one they started with.
 *
 * @param proxyProtocol        {@code use-proxy-protocol}: every connection must start with a PROXY protocol
 *                             header (v1 or v2), which gives the client address
 * @param proxyProtocolFrom    {@code proxy-real-ip-cidr}: the peers whose PROXY header is believed; a header from
 *                             anyone else is read and ignored (the peer stays the client)
 * @param trustedProxies       the peers whose X-Forwarded-* headers are believed ({@code use-forwarded-headers}
 *                             with {@code proxy-real-ip-cidr}); null keeps the command line's {@code --trusted-proxy}
 * @param underscoresInHeaders {@code enable-underscores-in-headers}; null keeps {@code --underscores-in-headers}
 * @param logFormat            {@code log-format-upstream}: the access log's line (when {@code --access-log} is on);
 *                             null keeps {@code --access-log}'s own format
 * @param connections          keep-alive, backend pool, request head limits and TLS versions and ciphers
 * @param fullForwardedFor     {@code compute-full-forwarded-for}: whether the X-Forwarded-For sent on is a trusted
 *                             proxy's list plus the peer (true), or the client address alone (false, ingress-nginx's
 *                             {@code $remote_addr}); null keeps Kubeway's own behaviour (the list)
 * @param forwardedForHeader   {@code forwarded-for-header} (with {@code use-forwarded-headers}, without
 *                             {@code use-proxy-protocol}): the header, lower case, a trusted proxy names the client in
 *                             (nginx's {@code real_ip_header}); null for X-Forwarded-For
 */
public record EdgeSettings(boolean proxyProtocol, List<String> proxyProtocolFrom,
                           @Nullable List<String> trustedProxies, @Nullable Boolean underscoresInHeaders,
                           @Nullable LogFormat logFormat, ConnectionSettings connections,
                           @Nullable Boolean fullForwardedFor, @Nullable String forwardedForHeader) {
    public EdgeSettings(boolean proxyProtocol, List<String> proxyProtocolFrom, @Nullable List<String> trustedProxies,
                        @Nullable Boolean underscoresInHeaders, @Nullable LogFormat logFormat,
                        ConnectionSettings connections, @Nullable Boolean fullForwardedFor) {
        this(proxyProtocol, proxyProtocolFrom, trustedProxies, underscoresInHeaders, logFormat, connections,
                fullForwardedFor, null);
    }

    public EdgeSettings(boolean proxyProtocol, List<String> proxyProtocolFrom, @Nullable List<String> trustedProxies,
                        @Nullable Boolean underscoresInHeaders, @Nullable LogFormat logFormat) {
        this(proxyProtocol, proxyProtocolFrom, trustedProxies, underscoresInHeaders, logFormat,
                ConnectionSettings.DEFAULT, null, null);
    }

    public EdgeSettings(boolean proxyProtocol, List<String> proxyProtocolFrom, @Nullable List<String> trustedProxies,
                        @Nullable Boolean underscoresInHeaders) {
        this(proxyProtocol, proxyProtocolFrom, trustedProxies, underscoresInHeaders, null);
    }

    /** ingress-nginx's {@code proxy-real-ip-cidr} default: every IPv4 peer (as nginx's set_real_ip_from 0.0.0.0/0). */
    public static final List<String> ANYWHERE = List.of("0.0.0.0/0");
    /** No PROXY protocol, the command line's settings. */
    public static final EdgeSettings DEFAULT = new EdgeSettings(false, ANYWHERE, null, null);

    public EdgeSettings {
        proxyProtocolFrom = List.copyOf(proxyProtocolFrom);
        if (trustedProxies != null) trustedProxies = List.copyOf(trustedProxies);
        java.util.Objects.requireNonNull(connections, "connections");
    }
}
