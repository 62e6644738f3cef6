package io.kubeway.dataplane.http;

import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.dataplane.PeerLog;
import io.kubeway.dataplane.proxy.l4.BindFailedException;
import io.kubeway.state.ListenKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP or HTTPS server socket. Each accepted connection gets its protocol detected ({@link Pipelines}) and
 * then one {@link ProxyHandler} per connection (HTTP/1.1) or per stream (HTTP/2).
 *
 * <p>{@link #stop()} closes the socket: accepted HTTP/1.1 connections keep working, and their responses carry
 * {@code Connection: close} from then on so clients move to the new listener; HTTP/2 connections get a GOAWAY
 * (their open streams finish, within Netty's graceful shutdown timeout, then the connection closes).
 */
final class HttpListener {
    /** How long streams on an HTTP/2 connection of a removed listener may go on after the GOAWAY. */
    static final Duration H2_DRAIN = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);

    private final ListenKey key;
    private final boolean https;
    private final ConnectionLimits limits;
    /** Open client connections, and backend connects in flight for their requests (any event loop). */
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicInteger connecting = new AtomicInteger();
    private final ChannelFutureListener clientClosed = f -> clients.decrementAndGet();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;
    private Channel channel;

    private HttpListener(ListenKey key, boolean https, ConnectionLimits limits) {
        this.key = key;
        this.https = https;
        this.limits = limits;
    }

    /**
     * Binds and starts accepting; blocks until bound. Must not run on an event loop.
     *
     * @throws BindFailedException if the socket could not be bound
     */
    static HttpListener bind(ListenKey key, boolean https, Engine engine, EventLoopGroup group) {
        HttpListener l = new HttpListener(key, https, engine.config().limits());
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
                        if (!l.admitClient(ch)) return;
                        l.connections.add(ch);
                        InetSocketAddress peer = (InetSocketAddress) ch.remoteAddress();
                        var peerIp = CidrSet.unmap(peer.getAddress());
                        Engine.Edge edge = engine.edge();
                        ClientConnection conn = new ClientConnection(peerIp, edge.trustedProxies().contains(peerIp),
                                https, key.port(), l);
                        conn.fullForwardedFor = edge.fullForwardedFor();
                        conn.realIpHeader = edge.realIpHeader();
                        Pipelines.accept(ch, conn, engine);
                        if (edge.proxyProtocol()) ProxyProtocolReader.install(ch, conn, edge, engine);
                    }
                })
                .bind(key.socketAddress())
                .awaitUninterruptibly();
        if (!f.isSuccess()) throw new BindFailedException(key, f.cause());
        l.channel = f.channel();
        // After the acceptor (which pauses accepting for a second on EMFILE): accept errors cost one line.
        l.channel.pipeline().addLast("errors", PeerLog.TAIL);
        return l;
    }

    /** Counts a new client connection, or refuses it (RST) at {@link ConnectionLimits#maxClientConnections()}. */
    private boolean admitClient(Channel ch) {
        if (clients.incrementAndGet() > limits.maxClientConnections()) {
            clients.decrementAndGet();
            PeerLog.warn(log, "{}: {} client connections open (the --max-client-connections cap), refusing {}", key,
                    limits.maxClientConnections(), ch.remoteAddress());
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0); // RST: refused, not a clean empty answer
            } catch (RuntimeException e) {
                log.debug("cannot set SO_LINGER on {}: {}", ch, e.toString());
            }
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(clientClosed);
        return true;
    }

    /** Takes a slot for one backend connect, or false at {@link ConnectionLimits#maxUpstreamConnects()}. */
    boolean startConnect() {
        if (connecting.incrementAndGet() <= limits.maxUpstreamConnects()) return true;
        connecting.decrementAndGet();
        return false;
    }

    /** A connect started by {@link #startConnect} ended (connected, failed or cancelled). */
    void connectDone() {
        connecting.decrementAndGet();
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

    /** Stops accepting; live connections go on, and are asked to go away once their requests are answered. */
    void stop() {
        draining = true;
        channel.close().awaitUninterruptibly();
        for (Channel c : connections) {
            Http2FrameCodec codec = c.pipeline().get(Http2FrameCodec.class);
            if (codec != null) goAway(c, codec);
        }
    }

    /**
     * Tells an HTTP/2 client to open new streams elsewhere (GOAWAY naming the last stream it sent), then closes the
     * connection once its open streams are done, or after {@link #H2_DRAIN}.
     */
    private static void goAway(Channel c, Http2FrameCodec codec) {
        c.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        long deadline = System.nanoTime() + H2_DRAIN.toNanos();
        c.eventLoop().execute(new Runnable() {
            @Override
            public void run() {
                if (!c.isActive()) return;
                if (codec.connection().numActiveStreams() == 0 || System.nanoTime() - deadline >= 0) c.close();
                else c.eventLoop().schedule(this, 100, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Stops accepting and closes every connection. */
    void closeAll() {
        stop();
        connections.close().awaitUninterruptibly();
    }
}
