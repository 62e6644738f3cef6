package io.kubeway.dataplane.proxy.l4;

import io.kubeway.state.ListenKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A TCP server socket on one {@link ListenKey}. Each accepted connection is handed to a
 * {@link TcpFrontendHandler} with the route current at accept time.
 */
public final class TcpListener implements L4Socket {
    /** How often expired ClientIP affinity entries are dropped. */
    static final long AFFINITY_SWEEP_SECONDS = 5;

    private volatile Route route;
    private Channel channel;

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
                        ch.pipeline().addLast(new TcpFrontendHandler(listener.route, ctx));
                    }
                });
        ChannelFuture f = b.bind(key.socketAddress()).awaitUninterruptibly();
        if (!f.isSuccess()) throw new BindFailedException(key, f.cause());
        listener.channel = f.channel();
        ScheduledFuture<?> sweep = f.channel().eventLoop().scheduleWithFixedDelay(
                () -> listener.route.balancer().evictExpiredAffinity(),
                AFFINITY_SWEEP_SECONDS, AFFINITY_SWEEP_SECONDS, TimeUnit.SECONDS);
        f.channel().closeFuture().addListener(x -> sweep.cancel(false));
        return listener;
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
