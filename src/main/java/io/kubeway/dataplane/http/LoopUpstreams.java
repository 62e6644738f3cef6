package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.Timeouts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The backend connections of one event loop: idle keep-alive HTTP/1.1 connections per endpoint (reused last in,
 * first out, closed after the idle timeout or beyond the per-endpoint maximum) and multiplexed HTTP/2
 * connections. A request borrows from the pool of its client connection's event loop, so the two channels
 * always share a thread. Event-loop confined.
 */
final class LoopUpstreams {
    private final EventLoop loop;
    private final Engine engine;
    private final Map<PoolKey, ArrayDeque<H1Link>> idle = new HashMap<>();
    private final Map<PoolKey, List<H2Connection>> h2 = new HashMap<>();
    private final ScheduledFuture<?> sweeper;
    private boolean closed;

    LoopUpstreams(EventLoop loop, Engine engine) {
        this.loop = loop;
        this.engine = engine;
        // At most a second: upstream-keepalive-timeout may shorten the idle timeout live.
        long period = Math.clamp(engine.config().upstreamIdleTimeout().toMillis() / 2, 100, 1_000);
        this.sweeper = loop.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * A link to {@code endpoint}: an idle pooled connection unless {@code fresh}, else a new connection (HTTP/1.1)
     * or a new stream (HTTP/2). Fails if the connection (or the TLS handshake) fails within the connect timeout.
     */
    /** An idle pooled HTTP/1.1 connection for {@code key} (the last one in), or null. */
    @Nullable H1Link pooled(PoolKey key) {
        ArrayDeque<H1Link> q = idle.get(key);
        while (q != null && !q.isEmpty()) {
            H1Link l = q.pollLast();
            if (l.channel().isActive()) return l;
        }
        return null;
    }

    /**
     * A new link to {@code endpoint}: a new connection (HTTP/1.1) or a new stream (HTTP/2). Fails if the connection
     * (or the TLS handshake) fails within the connect timeout. Cancelling the future closes a connection still
     * connecting (HTTP/1.1) or the stream once it opens (HTTP/2).
     */
    Future<UpstreamLink> connect(Endpoint endpoint, PoolKey key, Timeouts timeouts) {
        if (closed) return loop.newFailedFuture(new IllegalStateException("data plane closed"));
        if (key.http2()) return h2Connection(endpoint, key, timeouts).open(endpoint, loop.newPromise());
        return connectH1(endpoint, key, timeouts);
    }

    private Future<UpstreamLink> connectH1(Endpoint endpoint, PoolKey key, Timeouts timeouts) {
        Promise<UpstreamLink> p = loop.newPromise();
        H1Link link = new H1Link(this, key, endpoint);
        ChannelFuture connecting = bootstrap(timeouts, false).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (key.tls()) ch.pipeline().addLast("tls", engine.upstreamTls(false, key.backendTls(), ch.alloc()));
                ch.pipeline().addLast("codec", new HttpClientCodec(engine.upstreamDecoderConfig(), false, false));
                ch.pipeline().addLast("link", link);
            }
        }).connect(endpoint.socketAddress());
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                p.tryFailure(f.cause());
            } else if (key.tls()) {
                afterHandshake(f.channel(), timeouts, () -> p.trySuccess(link), p::tryFailure);
            } else {
                p.trySuccess(link);
            }
        });
        p.addListener(f -> {
            if (f.isCancelled()) connecting.channel().close();
        });
        return p;
    }

    private H2Connection h2Connection(Endpoint endpoint, PoolKey key, Timeouts timeouts) {
        List<H2Connection> list = h2.computeIfAbsent(key, k -> new ArrayList<>(1));
        for (H2Connection c : list) if (c.usable()) return c;
        H2Connection c = new H2Connection(key, loop.newPromise());
        list.add(c);
        bootstrap(timeouts, true).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (key.tls()) ch.pipeline().addLast("tls", engine.upstreamTls(true, key.backendTls(), ch.alloc()));
                ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                        .initialSettings(H2Settings.client()).build());
                // Push is disabled, so the backend opens no streams; close any that appear.
                ch.pipeline().addLast("mux", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel stream) {
                        stream.close();
                    }
                }));
                ch.pipeline().addLast("errors", PeerLog.TAIL);
            }
        }).connect(endpoint.socketAddress()).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                c.ready.tryFailure(f.cause());
            } else if (key.tls()) {
                afterHandshake(f.channel(), timeouts, () -> c.connected(f.channel()), c.ready::tryFailure);
            } else {
                c.connected(f.channel());
            }
        });
        return c;
    }

    private static void afterHandshake(Channel ch, Timeouts timeouts, Runnable ok,
                                       java.util.function.Consumer<Throwable> failed) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        ssl.setHandshakeTimeoutMillis(Math.max(1, timeouts.connect().toMillis()));
        ssl.handshakeFuture().addListener(h -> {
            if (h.isSuccess()) {
                ok.run();
            } else {
                ch.close();
                failed.accept(h.cause());
            }
        });
    }

    private Bootstrap bootstrap(Timeouts timeouts, boolean autoRead) {
        return new Bootstrap()
                .group(loop)
                .channel(engine.transport().socketChannel())
                // HTTP/1.1: read only when the client can take it. HTTP/2: the connection must always read
                // (frames for every stream share it); per-stream flow control does the pacing.
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.clamp(timeouts.connect().toMillis(), 1, 3_600_000));
    }

    /** Takes back an idle connection; false if it should be closed instead (pool full or closed). */
    boolean offer(H1Link link) {
        if (closed) return false;
        ArrayDeque<H1Link> q = idle.computeIfAbsent(link.key, k -> new ArrayDeque<>());
        Engine.Tuning t = engine.tuning();
        if (q.size() >= t.maxIdlePerEndpoint() || link.uses() >= t.upstreamRequests()) return false;
        link.idleSince = System.nanoTime();
        q.addLast(link);
        // Keep a read pending so a close by the backend is noticed while idle.
        link.channel().read();
        return true;
    }

    void remove(H1Link link) {
        ArrayDeque<H1Link> q = idle.get(link.key);
        if (q != null) q.remove(link);
    }

    /** Closes connections idle past the timeout and forgets empty entries (endpoints come and go). */
    void sweep() {
        long now = System.nanoTime();
        long timeout = engine.tuning().upstreamIdleNanos();
        for (Iterator<ArrayDeque<H1Link>> it = idle.values().iterator(); it.hasNext(); ) {
            ArrayDeque<H1Link> q = it.next();
            while (!q.isEmpty() && now - q.peekFirst().idleSince >= timeout) q.pollFirst().channel().close();
            if (q.isEmpty()) it.remove();
        }
        for (Iterator<List<H2Connection>> it = h2.values().iterator(); it.hasNext(); ) {
            List<H2Connection> list = it.next();
            list.removeIf(c -> {
                if (c.dead()) return true;
                if (c.ready.isDone() && c.streams() == 0 && now - c.idleSince >= timeout) {
                    c.close();
                    return true;
                }
                return false;
            });
            if (list.isEmpty()) it.remove();
        }
    }

    void close() {
        closed = true;
        sweeper.cancel(false);
        for (ArrayDeque<H1Link> q : idle.values()) for (H1Link l : new ArrayList<>(q)) l.channel().close();
        idle.clear();
        for (List<H2Connection> list : h2.values()) for (H2Connection c : list) c.close();
        h2.clear();
    }
}
