package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.transport.Transport;
import io.kubeway.state.http.EdgeSettings;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.HttpState;
import io.kubeway.state.http.Router;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection of one {@link HttpDataplane} shares: settings, the current router (swapped atomically:
 * each request reads it once), certificates, backend pools per event loop, balancing, rate-limit and metrics
 * state.
 */
final class Engine {
    private final HttpEngineConfig config;
    private final Transport transport;
    private final Clock clock;
    private final CidrSet cliTrustedProxies;
    private volatile Edge edge;
    private final long clientIdleNanos;
    private final HttpMeters meters;
    private final Mirrors mirrors;
    private final AccessLog accessLog;
    private final EndpointPicker picker;
    private final RateLimiter limiter = new RateLimiter();
    private final ServerTls serverTls = new ServerTls();
    private final UpstreamTls upstreamTls = new UpstreamTls();
    private final PasswordChecks passwordChecks = new PasswordChecks();
    private final ConcurrentHashMap<EventLoop, LoopUpstreams> upstreams = new ConcurrentHashMap<>();
    private volatile Tuning tuning;
    private final HttpDecoderConfig upstreamDecoder;
    private volatile Router router = HttpState.EMPTY.router();
    /** ssl-passthrough hosts by exact server name; empty (the common case) costs a handshake one empty-map lookup. */
    private volatile Map<String, HttpCluster> passthrough = Map.of();
    private final Counter passthroughIn;
    private final Counter passthroughOut;
    private volatile boolean closed;
    private volatile @Nullable AddressResolverGroup<InetSocketAddress> authResolver;

    Engine(HttpEngineConfig config, Transport transport, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.transport = transport;
        this.clock = clock;
        this.picker = new EndpointPicker(clock);
        this.cliTrustedProxies = CidrSet.parse(config.trustedProxies());
        this.edge = new Edge(false, CidrSet.EMPTY, cliTrustedProxies, config.underscoresInHeaders(), true,
                Forwarding.X_FORWARDED_FOR);
        this.clientIdleNanos = config.clientIdleTimeout().toNanos();
        this.meters = new HttpMeters(registry);
        this.passthroughIn = Counter.builder("kubeway.ssl.passthrough.bytes").tag("direction", "in")
                .description("bytes relayed from clients to backends by TLS passthrough").register(registry);
        this.passthroughOut = Counter.builder("kubeway.ssl.passthrough.bytes").tag("direction", "out")
                .description("bytes relayed from backends to clients by TLS passthrough").register(registry);
        this.mirrors = new Mirrors(registry);
        this.accessLog = new AccessLog(config.accessLog());
        this.tuning = Tuning.of(config, io.kubeway.state.http.ConnectionSettings.DEFAULT);
        this.upstreamDecoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024);
    }

    HttpEngineConfig config() {
        return config;
    }

    Transport transport() {
        return transport;
    }

    Clock clock() {
        return clock;
    }

    /** The peers whose X-Forwarded-* headers are believed: the ConfigMap's, else {@code --trusted-proxy}. */
    CidrSet trustedProxies() {
        return edge.trustedProxies();
    }

    /** Whether header names with underscores are forwarded (ConfigMap, else {@code --underscores-in-headers}). */
    boolean underscoresInHeaders() {
        return edge.underscores();
    }

    /** The current edge settings: new connections read them once. */
    Edge edge() {
        return edge;
    }

    /** Takes the controller ConfigMap's edge settings for new connections; open ones keep theirs. */
    void edge(EdgeSettings next) {
        Edge e = new Edge(next.proxyProtocol(), CidrSet.parse(next.proxyProtocolFrom()),
                next.trustedProxies() == null ? cliTrustedProxies : CidrSet.parse(next.trustedProxies()),
                next.underscoresInHeaders() == null ? config.underscoresInHeaders() : next.underscoresInHeaders(),
                next.fullForwardedFor() == null || next.fullForwardedFor(),
                next.forwardedForHeader() == null ? Forwarding.X_FORWARDED_FOR
                        : AsciiString.cached(next.forwardedForHeader()));
        edge = e;
        accessLog.custom(next.logFormat());
        tuning = Tuning.of(config, next.connections());
        serverTls.protocols(next.connections().tlsProtocols(), next.connections().tlsCiphers());
    }

    /** The connection settings in effect (controller ConfigMap, else the command line); read when used. */
    Tuning tuning() {
        return tuning;
    }

    /**
     * {@link io.kubeway.state.http.ConnectionSettings} ready for use: where the ConfigMap says nothing, the command
     * line's {@link HttpEngineConfig}.
     *
     * @param keepAliveNanos    idle time allowed between requests on a client connection; 0: no keep-alive
     * @param keepAliveRequests requests per HTTP/1.1 client connection
     * @param maxIdlePerEndpoint idle backend connections kept per endpoint and event loop
     * @param upstreamIdleNanos how long a backend connection may stay idle in the pool
     * @param upstreamRequests  requests per HTTP/1.1 backend connection
     * @param maxHeaderBytes    the largest request header block (HTTP/1.1 and HTTP/2)
     * @param serverDecoder     the HTTP/1.1 request decoder's limits, for new connections
     */
    record Tuning(long keepAliveNanos, int keepAliveRequests, int maxIdlePerEndpoint, long upstreamIdleNanos,
                  int upstreamRequests, int maxHeaderBytes, HttpDecoderConfig serverDecoder) {
        static Tuning of(HttpEngineConfig c, io.kubeway.state.http.ConnectionSettings s) {
            int headers = s.maxHeaderBytes() != null ? s.maxHeaderBytes() : c.maxHeaderBytes();
            int line = s.maxRequestLineBytes() != null ? s.maxRequestLineBytes() : c.maxInitialLineBytes();
            HttpDecoderConfig decoder = new HttpDecoderConfig()
                    .setMaxInitialLineLength(line)
                    .setMaxHeaderSize(headers)
                    .setMaxChunkSize(64 * 1024)
                    .setAllowDuplicateContentLengths(false)
                    .setUseRfc9112TransferEncoding(true)
                    .setStrictLineParsing(true);
            return new Tuning(
                    (s.keepAlive() != null ? s.keepAlive() : c.clientIdleTimeout()).toNanos(),
                    s.keepAliveRequests() != null ? s.keepAliveRequests() : Integer.MAX_VALUE,
                    s.upstreamIdleConnections() != null ? s.upstreamIdleConnections() : c.maxIdlePerEndpoint(),
                    (s.upstreamIdleTimeout() != null ? s.upstreamIdleTimeout() : c.upstreamIdleTimeout()).toNanos(),
                    s.upstreamRequests() != null ? s.upstreamRequests() : Integer.MAX_VALUE,
                    headers, decoder);
        }
    }

    /**
     * {@link EdgeSettings} ready for use.
     *
     * @param proxyProtocol     connections must start with a PROXY header
     * @param proxyProtocolFrom peers whose PROXY header gives the client address
     * @param fullForwardedFor  X-Forwarded-For sent on: a trusted proxy's list plus the peer, else the client alone
     * @param realIpHeader      the header a trusted proxy names the client in ({@code forwarded-for-header}), lower
     *                          case; {@link Forwarding#X_FORWARDED_FOR} by default
     */
    record Edge(boolean proxyProtocol, CidrSet proxyProtocolFrom, CidrSet trustedProxies, boolean underscores,
                boolean fullForwardedFor, AsciiString realIpHeader) {
    }

    long clientIdleNanos() {
        return clientIdleNanos;
    }

    Mirrors mirrors() {
        return mirrors;
    }

    HttpMeters meters() {
        return meters;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    EndpointPicker picker() {
        return picker;
    }

    RateLimiter limiter() {
        return limiter;
    }

    ServerTls serverTls() {
        return serverTls;
    }

    HttpDecoderConfig serverDecoderConfig() {
        return tuning.serverDecoder();
    }

    HttpDecoderConfig upstreamDecoderConfig() {
        return upstreamDecoder;
    }

    Router router() {
        return router;
    }

    void router(Router next) {
        router = next;
    }

    /** The passthrough cluster of a TLS server name as the ClientHello has it, or null. */
    @Nullable HttpCluster passthrough(@Nullable String serverName) {
        Map<String, HttpCluster> p = passthrough;
        return p.isEmpty() || serverName == null ? null : p.get(ServerTls.normalize(serverName));
    }

    void passthrough(Map<String, HttpCluster> next) {
        passthrough = next;
    }

    /** Bytes relayed by TLS passthrough: from clients ({@code in}) or to them. */
    Counter passthroughBytes(boolean in) {
        return in ? passthroughIn : passthroughOut;
    }

    /** The client context for TLS to backends (no verification, as ingress-nginx); HTTP/2 ALPN if {@code h2}. */
    SslContext upstreamTls(boolean h2) {
        return upstreamTls.context(h2);
    }

    /** The TLS handler of a new backend connection with {@code tls}'s settings (null: ingress-nginx's defaults). */
    io.netty.handler.ssl.SslHandler upstreamTls(boolean h2, io.kubeway.state.http.@Nullable BackendTls tls,
                                                io.netty.buffer.ByteBufAllocator alloc) {
        return upstreamTls.handler(h2, tls, alloc);
    }

    /** The backend pools of {@code loop}, created on first use. */
    LoopUpstreams upstreams(EventLoop loop) {
        LoopUpstreams u = upstreams.get(loop);
        if (u != null) return u;
        if (closed) throw new IllegalStateException("data plane closed");
        return upstreams.computeIfAbsent(loop, l -> new LoopUpstreams(l, this));
    }

    /** The non-blocking DNS resolver for auth-url hosts (from /etc/resolv.conf), made on first use. */
    AddressResolverGroup<InetSocketAddress> authResolver() {
        AddressResolverGroup<InetSocketAddress> r = authResolver;
        if (r != null) return r;
        synchronized (this) {
            if (authResolver == null) {
                authResolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                        .datagramChannelType(transport.datagramChannel()).socketChannelType(transport.socketChannel()));
            }
            return authResolver;
        }
    }

    /** The threads that check costly basic-auth passwords. */
    PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    /** Closes every pooled backend connection (on each pool's own event loop). */
    void close() {
        closed = true;
        passwordChecks.close();
        AddressResolverGroup<InetSocketAddress> r = authResolver;
        if (r != null) r.close();
        upstreams.forEach((loop, u) -> {
            if (!loop.isShuttingDown()) loop.execute(u::close);
        });
        upstreams.clear();
    }
}
