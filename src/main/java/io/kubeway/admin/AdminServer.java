package io.kubeway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The read-only admin HTTP API: {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus text) and the
 * published {@link ClusterView} as Kubernetes-shaped lists at the API server's own paths
 * ({@code /api/v1/services}, {@code /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices}, ...), so that
 * {@code kubeway get}, {@code curl | jq} and fabric8 clients can read what the control plane decided.
 *
 * <p>A small Netty server on one event-loop thread of its own (NIO): it shares neither threads nor fate with the
 * data plane, and every client is bounded by {@link AdminLimits} (connections, request and idle timeouts, head
 * and body sizes), so idle or slow clients cannot take health checks down with them. Requests with a foreign
 * {@code Host} are refused ({@link HostCheck}). The socket is bound in the constructor so a port clash fails
 * startup with a clear message instead of surfacing later.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final EventLoopGroup group;
    private final Channel channel;

    /** Binds {@code bind} with {@link AdminLimits#DEFAULTS}; see the other constructor. */
    public AdminServer(InetSocketAddress bind, Supplier<ClusterView> view, PrometheusMeterRegistry registry) {
        this(bind, view, registry, AdminLimits.DEFAULTS);
    }

    /**
     * Binds {@code bind} (port 0 picks a free port) and starts serving.
     *
     * @param view     returns the latest published view; called once per request
     * @param registry the registry scraped by {@code /metrics}
     * @throws IllegalStateException if the address is already in use
     * @throws UncheckedIOException  if the server cannot be started for another reason
     */
    public AdminServer(InetSocketAddress bind, Supplier<ClusterView> view, PrometheusMeterRegistry registry,
                       AdminLimits limits) {
        requireNonNull(bind, "bind");
        requireNonNull(view, "view");
        requireNonNull(registry, "registry");
        requireNonNull(limits, "limits");
        AdminRouter router = new AdminRouter(view, registry::scrape, ApiResources.ALL);
        HostCheck hosts = new HostCheck(bind.getAddress());
        AdminMeters meters = new AdminMeters(registry);
        AtomicInteger open = new AtomicInteger();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kubeway-admin", true),
                NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int now = open.incrementAndGet();
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        if (now > limits.maxConnections()) {
                            meters.refused("connections");
                            refuse(ch, limits.maxConnections());
                            return;
                        }
                        AdminTimeouts timeouts = new AdminTimeouts(limits.requestTimeout(), limits.idleTimeout(),
                                () -> meters.refused("timeout"));
                        ch.pipeline().addLast(timeouts)
                                .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(limits.maxInitialLine())
                                        .setMaxHeaderSize(limits.maxHeaderSize())))
                                .addLast(new HttpObjectAggregator(limits.maxContentLength()))
                                .addLast(new AdminHttpHandler(router, hosts, timeouts, meters));
                    }
                });
        try {
            this.channel = bootstrap.bind(bind).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exception as it is
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (e instanceof BindException) {
                throw new IllegalStateException("cannot start kubeway admin API on " + hostPort(bind)
                        + ": address already in use (is another kubeway running? choose another --admin-address)", e);
            }
            throw new UncheckedIOException("cannot start kubeway admin API on " + hostPort(bind) + ": "
                    + e.getMessage(), new java.io.IOException(e));
        }
        log.info("admin API listening on http://{}", hostPort(address()));
    }

    /** Over the connection cap: one short 503 so a human with curl learns why, then the connection closes. */
    private static void refuse(SocketChannel ch, int max) {
        String body = "too many admin API connections (limit " + max + ")\n";
        String response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        ch.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** The bound address, with the actual port when constructed with port 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting, closes open connections and stops the event loop. Idempotent. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
