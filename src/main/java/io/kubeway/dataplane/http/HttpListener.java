package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.l4.BindFailedException;
import io.kubeway.state.ListenKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;

/**
 * One HTTP or HTTPS server socket. Each accepted connection gets its protocol detected ({@link Pipelines}) and
 * then one {@link ProxyHandler} per connection (HTTP/1.1) or per stream (HTTP/2).
 *
 * <p>{@link #stop()} closes the socket only: accepted connections keep working, and their HTTP/1.1 responses
 * carry {@code Connection: close} from then on so clients move to the new listener.
 */
final class HttpListener {
    private final ListenKey key;
    private final boolean https;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private Channel channel;

    private HttpListener(ListenKey key, boolean https) {
        this.key = key;
        this.https = https;
    }

    /**
     * Binds and starts accepting; blocks until bound. Must not run on an event loop.
     *
     * @throws BindFailedException if the socket could not be bound
     */
    static HttpListener bind(ListenKey key, boolean https, Engine engine, EventLoopGroup group) {
        HttpListener l = new HttpListener(key, https);
        ChannelFuture f = new ServerBootstrap()
                .group(group)
                .channel(engine.transport().serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                // TCP_NODELAY is Netty's default (setting it again costs a syscall per connection); no
                // SO_KEEPALIVE, as nginx: idle clients are closed by the idle timeouts.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        l.connections.add(ch);
                        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
                        var peerIp = CidrSet.unmap(peer.getAddress());
                        ClientConnection conn = new ClientConnection(peerIp, engine.trustedProxies().contains(peerIp),
                                https, key.port(), l);
                        Pipelines.accept(ch, conn, engine);
                    }
                })
                .bind(key.socketAddress())
                .awaitUninterruptibly();
        if (!f.isSuccess()) throw new BindFailedException(key, f.cause());
        l.channel = f.channel();
        return l;
    }

    ListenKey key() {
        return key;
    }

    boolean https() {
        return https;
    }

    Channel channel() {
        return channel;
    }

    boolean draining() {
        return draining;
    }

    /** Stops accepting; live connections go on (and are asked to close after their current response). */
    void stop() {
        draining = true;
        channel.close().awaitUninterruptibly();
    }

    /** Stops accepting and closes every connection. */
    void closeAll() {
        stop();
        connections.close().awaitUninterruptibly();
    }
}
