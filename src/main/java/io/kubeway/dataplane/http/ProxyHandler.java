package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the proxy, last in the pipeline of an HTTP/1.1 connection (after {@code HttpServerCodec})
 * or of one HTTP/2 stream (after {@code Http2StreamFrameToHttpObjectCodec}); both deliver {@code HttpObject}s,
 * so the same logic serves both. Requests are handled one at a time by an {@link Exchange}.
 *
 * <p>The channel runs with AUTO_READ off: it reads when waiting for a request, or when the exchange wants more
 * body and the backend can take it. What the decoder produced beyond that (the part of a body that arrived with
 * its head, pipelined requests) waits in a queue bounded by one read.
 *
 * <p>Idle connections: between requests the connection is closed after the client idle timeout (the request
 * header timeout before the first request); bytes trickling in do not extend it, so a slow sender of headers
 * is cut off too.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);
    /** How long a connection closed after an error keeps swallowing the client's body (nginx lingering_time). */
    static final long LINGER_MILLIS = 2_000;

    private final Engine engine;
    private final ClientConnection connection;
    private final boolean http2;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable Exchange exchange;
    private boolean closing;
    private boolean started;
    /** Set while {@link #drain} runs: an exchange finishing inside it must not drain again (deep recursion). */
    private boolean draining;
    private int requests;
    private long idleSince;
    /** The connection's one timer (idle and request timeouts alike) and when it fires. */
    private @Nullable ScheduledFuture<?> timer;
    private long timerDue;

    ProxyHandler(Engine engine, ClientConnection connection, boolean http2) {
        this.engine = engine;
        this.connection = connection;
        this.http2 = http2;
    }

    Channel channel() {
        return ctx.channel();
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    boolean http2() {
        return http2;
    }

    ClientConnection connection() {
        return connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // Added after a TLS handshake the channel is already active and channelActive will not come.
        if (ctx.channel().isActive()) begin();
    }

    /** Taken out before any request (cleartext HTTP/2 found by its preface): its timer must not fire. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (exchange == null && timer != null) {
            closing = true;
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        begin();
        ctx.fireChannelActive();
    }

    private void begin() {
        if (started) return;
        started = true;
        if (!http2) idle();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing && exchange == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof FullHttpRequest full) {
            // An HTTP/2 request without body (or the decoder's stand-in for an invalid request): split it so the
            // exchange sees a head, then the end of its body.
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            head.setDecoderResult(full.decoderResult());
            inbound.add(head);
            inbound.add(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        } else {
            inbound.add(msg);
        }
        drain();
    }

    /** Hands queued messages to the exchange (or starts the next one) as far as it accepts them. */
    void drain() {
        if (draining) return; // the running loop picks up whatever the nested call would have
        draining = true;
        try {
            drainQueue();
        } finally {
            draining = false;
        }
    }

    private void drainQueue() {
        while (!inbound.isEmpty()) {
            if (exchange == null) {
                if (closing) {
                    releaseQueued();
                    return;
                }
                Object m = inbound.poll();
                if (!(m instanceof HttpRequest req)) { // leftovers of a refused request
                    ReferenceCountUtil.release(m);
                    continue;
                }
                requests++;
                cancelIdle();
                Exchange e = new Exchange(this, engine, req);
                exchange = e;
                e.start();
                continue;
            }
            if (!exchange.acceptsBody()) return;
            Object m = inbound.poll();
            if (m instanceof HttpContent c) exchange.requestContent(c);
            else ReferenceCountUtil.release(m);
        }
    }

    /** Body bytes of the current request already queued (for a body limit before anything goes upstream). */
    long queuedBodyBytes() {
        long n = 0;
        for (Object m : inbound) {
            if (m instanceof HttpRequest) break;
            if (m instanceof HttpContent c) n += c.content().readableBytes();
            if (m instanceof LastHttpContent) break;
        }
        return n;
    }

    /** Drops the queued body of the current request; true if its end was among it. */
    boolean discardQueuedBody() {
        while (!inbound.isEmpty() && !(inbound.peek() instanceof HttpRequest)) {
            Object m = inbound.poll();
            ReferenceCountUtil.release(m);
            if (m instanceof LastHttpContent) return true;
        }
        return false;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) exchange.clientReadComplete();
        readIfWanted();
    }

    void readIfWanted() {
        if (!inbound.isEmpty() || !ctx.channel().isActive()) return;
        if (exchange == null ? !closing && !http2 : exchange.wantsClientRead()) ctx.read();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) exchange.clientWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        cancelIdle();
        releaseQueued();
        Exchange e = exchange;
        exchange = null;
        if (e != null) e.clientClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, ctx.channel(), cause);
        ctx.close();
    }

    // ---- called by the exchange ----

    void write(Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    void writeContinue() {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE), ctx.voidPromise());
    }

    /** Whether the connection may carry another request after this one. */
    boolean keepAliveAllowed(boolean clientWantsIt) {
        if (http2) return true;
        if (!clientWantsIt || connection.listener().draining() || closing) return false;
        Engine.Tuning t = engine.tuning(); // keep-alive and keep-alive-requests, read live
        return t.keepAliveNanos() > 0 && requests < t.keepAliveRequests();
    }

    void exchangeDone(Exchange e, boolean keepAlive) {
        if (exchange != e) return;
        exchange = null;
        if (http2) {
            closing = true;
            // The response is out; a body still coming is not wanted (RST_STREAM tells the client to stop).
            if (!e.requestComplete()) ctx.channel().eventLoop().execute(() -> ctx.close());
            return;
        }
        if (!keepAlive) {
            closeAfterResponse(e.requestComplete());
            return;
        }
        idle();
        drain();
        readIfWanted();
    }

    /** The connection became a WebSocket tunnel: this handler leaves, and must not time it out. */
    void upgraded() {
        exchange = null;
        closing = true;
        releaseQueued();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Ends the connection mid-response. */
    void abort() {
        exchange = null;
        closing = true;
        releaseQueued();
        ctx.close();
    }

    /**
     * Closes once the response is written. If the client may still be sending a body, our FIN comes first and
     * its data is read and dropped for a while: closing a socket with unread data sends an RST, which can
     * destroy the response before the client reads it.
     */
    private void closeAfterResponse(boolean requestComplete) {
        closing = true;
        releaseQueued();
        Channel ch = ctx.channel();
        if (requestComplete) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (!f.isSuccess() || !(ch instanceof io.netty.channel.socket.DuplexChannel d)) {
                ch.close();
                return;
            }
            d.shutdownOutput();
            ch.eventLoop().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            ch.config().setAutoRead(true); // reads now land in channelRead and are dropped (closing)
        });
    }

    private void releaseQueued() {
        while (!inbound.isEmpty()) ReferenceCountUtil.release(inbound.poll());
    }

    // ---- the connection's timer: idle timeout between requests, the exchange's timeouts during one ----

    /**
     * Makes the timer fire no later than {@code due} (a {@code System.nanoTime()} value). One timer serves every
     * request of the connection: it is only moved when a deadline comes earlier than it, and whoever it finds
     * active when it fires (the exchange, or the idle check) says when it is needed next.
     */
    void wakeBy(long due) {
        if (timer != null) {
            if (timerDue - due <= 0) return;
            timer.cancel(false);
        }
        timerDue = due;
        timer = ctx.channel().eventLoop().schedule(this::timerFired, Math.max(due - System.nanoTime(), 1),
                TimeUnit.NANOSECONDS);
    }

    private void timerFired() {
        timer = null;
        long now = System.nanoTime();
        Exchange e = exchange;
        if (e != null) {
            long next = e.checkTimeouts(now);
            if (next != Long.MAX_VALUE && exchange == e) wakeBy(next);
            return; // an exchange that ended meanwhile armed the idle timeout
        }
        if (closing || http2 || !ctx.channel().isActive()) return;
        long due = idleSince + limit();
        if (now - due >= 0) {
            log.debug("{}: closing idle connection", ctx.channel());
            closing = true;
            ctx.close();
        } else {
            wakeBy(due);
        }
    }

    private void idle() {
        idleSince = System.nanoTime();
        wakeBy(idleSince + limit());
    }

    private long limit() {
        return requests == 0 ? engine.config().requestHeaderTimeout().toNanos() : engine.tuning().keepAliveNanos();
    }

    private void cancelIdle() {
        // The timer stays armed across requests (re-checked when it fires) unless the connection ends: cheaper
        // than a schedule and a cancel per request.
        if (closing && timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
