package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * After a backend answered a WebSocket upgrade with 101, both connections stop speaking HTTP: their codecs
 * leave the pipelines and one handler on each side relays raw bytes to the other, with the same backpressure
 * as the L4 proxy (read one side only while the other is writable). The only timeout left is an idle one:
 * no byte either way for the route's read timeout closes both. Route swaps never touch a tunnel.
 */
final class WebSocketTunnel {
    private static final Logger log = LoggerFactory.getLogger(WebSocketTunnel.class);

    private final Channel client;
    private final Channel backend;
    private final RateLimiter.Permit permit;
    private final long idleNanos;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> timer;

    private WebSocketTunnel(Channel client, Channel backend, RateLimiter.Permit permit, Duration idle) {
        this.client = client;
        this.backend = backend;
        this.permit = permit;
        this.idleNanos = Math.max(1, idle.toNanos());
    }

    /**
     * Writes the 101 to the client and turns both channels into a tunnel. Runs inside the backend channel's read
     * (the codec that decoded the 101 is mid-call), so that codec is removed a moment later; until then it passes
     * the bytes after the head on as buffers, which the relay forwards.
     */
    static void start(ProxyHandler proxy, UpstreamLink link, FullHttpResponse switching, RateLimiter.Permit permit,
                      Duration idle) {
        Channel client = proxy.channel();
        Channel backend = link.channel();
        WebSocketTunnel t = new WebSocketTunnel(client, backend, permit, idle);
        ChannelHandlerContext ctx = proxy.context();
        ctx.writeAndFlush(switching);
        proxy.upgraded();
        ChannelPipeline cp = client.pipeline();
        cp.replace(proxy, "tunnel", t.new Relay(backend));
        // Removing the server codec hands anything it had buffered to the relay.
        HttpServerCodec serverCodec = cp.get(HttpServerCodec.class);
        if (serverCodec != null) cp.remove(serverCodec);
        ChannelPipeline bp = backend.pipeline();
        bp.replace(link, "tunnel", t.new Relay(client));
        backend.eventLoop().execute(() -> {
            HttpClientCodec codec = bp.get(HttpClientCodec.class);
            if (codec != null) bp.remove(codec);
            client.closeFuture().addListener(f -> t.closed());
            backend.closeFuture().addListener(f -> t.closed());
            t.timer = client.eventLoop().schedule(t::check, t.idleNanos, TimeUnit.NANOSECONDS);
            client.read();
            backend.read();
        });
    }

    /** The backend's 101, hop-by-hop headers removed except the upgrade itself, as a complete response. */
    static FullHttpResponse switchingResponse(HttpResponse r) {
        HttpHeaders h = r.headers();
        Forwarding.stripHopByHop(h, true);
        h.set(HttpHeaderNames.CONNECTION, "upgrade");
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), Unpooled.EMPTY_BUFFER, h,
                EmptyHttpHeaders.INSTANCE);
        ReferenceCountUtil.release(r);
        return resp;
    }

    private void check() {
        if (!client.isActive() || !backend.isActive()) return;
        long due = lastActivity + idleNanos;
        long now = System.nanoTime();
        if (now - due >= 0) {
            log.debug("{}: WebSocket idle, closing", client);
            client.close();
            backend.close();
        } else {
            timer = client.eventLoop().schedule(this::check, due - now, TimeUnit.NANOSECONDS);
        }
    }

    private void closed() {
        if (timer != null) timer.cancel(false);
        permit.release();
        closeOnFlush(client);
        closeOnFlush(backend);
    }

    private static void closeOnFlush(Channel ch) {
        if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Moves bytes from its channel to {@code peer}. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                lastActivity = System.nanoTime();
                peer.write(buf, peer.voidPromise());
            } else {
                ReferenceCountUtil.release(msg); // the empty end of the 101 response
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
            if (peer.isWritable()) ctx.read();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) peer.read();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(peer);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            PeerLog.fault(log, ctx.channel(), cause);
            ctx.close();
        }
    }
}
