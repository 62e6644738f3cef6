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
        return start(key, route, ctx).await();
    }

    /**
     * A bind under way: {@link #start} asks the event loop to bind and returns at once, so a data plane binding
     * thousands of sockets (10,000 cluster IPs at start) has them bound by the event loops side by side rather
     * than waiting out one round trip per socket.
     */
    public record Pending(ListenKey key, TcpListener listener, ChannelFuture future) {
        /** Waits for the bind; must not run on an event loop. @throws BindFailedException if it failed */
        public TcpListener await() {
            future.awaitUninterruptibly();
            if (!future.isSuccess()) throw new BindFailedException(key, future.cause());
            listener.started(future.channel());
            return listener;
        }
    }

    /** Starts binding {@code key}; {@link Pending#await} completes it. */
    public static Pending start(ListenKey key, Route route, L4Context ctx) {
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
        return new Pending(key, listener, b.bind(key.socketAddress()));
    }

    private void started(Channel ch) {
        channel = ch;
        ch.pipeline().addLast(PeerLog.TAIL); // after the acceptor: accept errors (EMFILE) cost one line
        ScheduledFuture<?> sweep = ch.eventLoop().scheduleWithFixedDelay(() -> route.balancer().evictExpiredAffinity(),
                AFFINITY_SWEEP_SECONDS, AFFINITY_SWEEP_SECONDS, TimeUnit.SECONDS);
        ch.closeFuture().addListener(x -> sweep.cancel(false));
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
