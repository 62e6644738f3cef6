package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.ListenKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * A TCP server socket on one {@link ListenKey}. Each accepted connection is handed to a
 * {@link TcpFrontendHandler} with the route current at accept time.
 */
public final class TcpListener implements L4Socket {
    /** How often expired ClientIP affinity entries are dropped. */
    static final long AFFINITY_SWEEP_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

    private volatile Route route;
    private Channel channel;
    /** Open client connections, capped by {@link L4Context#maxClientConnections()}. */
    private final AtomicInteger clients = new AtomicInteger();
    private final ChannelFutureListener clientClosed = f -> clients.decrementAndGet();

    private TcpListener(Route route) {
        this.route = requireNonNull(route, "route");
    }

    /**
     * Binds {@code key} and starts accepting. Blocks until the bind is done; must not run on an event loop.
     *
     * @throws BindFailedException if the socket could not be bound
     */
    public static TcpListener bind(ListenKey key, Route route, L4Context ctx) {
        TcpListener listener = new TcpListener(route);
        ServerBootstrap b = new ServerBootstrap()
                .group(ctx.group())
                .channel(ctx.transport().serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true) // rebind at once while old connections sit in TIME_WAIT
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false) // read only once the backend is connected and can take it
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // pass a FIN on without closing the other way
                .childOption(ChannelOption.SO_KEEPALIVE, true) // TCP_NODELAY is Netty's default: not set twice
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (!listener.admit(ch, key, ctx.maxClientConnections())) return;
                        Route r = listener.route;
                        if (r.spec().readProxyProtocol()) ProxyHeaderReader.install(ch);
                        ch.pipeline().addLast(new TcpFrontendHandler(r, ctx));
                    }
                });
        ChannelFuture f = b.bind(key.socketAddress()).awaitUninterruptibly();
        if (!f.isSuccess()) throw new BindFailedException(key, f.cause());
        listener.channel = f.channel();
        f.channel().pipeline().addLast(PeerLog.TAIL); // after the acceptor: accept errors (EMFILE) cost one line
        ScheduledFuture<?> sweep = f.channel().eventLoop().scheduleWithFixedDelay(
                () -> listener.route.balancer().evictExpiredAffinity(),
                AFFINITY_SWEEP_SECONDS, AFFINITY_SWEEP_SECONDS, TimeUnit.SECONDS);
        f.channel().closeFuture().addListener(x -> sweep.cancel(false));
        return listener;
    }

    /** Counts a client connection, or resets it when {@code max} are open (refused, never out of fds). */
    private boolean admit(Channel ch, ListenKey key, int max) {
        if (clients.incrementAndGet() > max) {
            clients.decrementAndGet();
            route.meters().rejected();
            PeerLog.warn(log, "{}: {} client connections open (the --max-client-connections cap), refusing {}", key, max,
                    ch.remoteAddress());
            TcpFrontendHandler.reset(ch);
            return false;
        }
        ch.closeFuture().addListener(clientClosed);
        return true;
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public void route(Route next) {
        this.route = requireNonNull(next, "next");
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /** Closes the server socket; accepted connections are not touched and drain by themselves. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS); // bounded: never hang a shutdown
    }

    @Override
    public void closeNow() {
        close();
    }
}
