package io.kubeway.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The two clocks of one admin connection, first in its pipeline so it sees raw bytes: while it waits for a
 * request the idle timeout runs; the first byte of a request starts the request timeout, which stops once the
 * whole request has been read ({@link #requestRead}); then the idle timeout bounds writing the answer and, once
 * it is out ({@link #responseWritten}), the wait for the next request. When a clock runs out the connection is closed: a client that trickles a
 * request head, or sits on an open connection, gives it up instead of holding it.
 *
 * <p>All methods run on the connection's event loop.
 */
final class AdminTimeouts extends ChannelInboundHandlerAdapter {
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final Runnable onTimeout;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean waiting = true;

    AdminTimeouts(Duration requestTimeout, Duration idleTimeout, Runnable onTimeout) {
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        this.onTimeout = requireNonNull(onTimeout, "onTimeout");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(idleTimeout);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting && msg instanceof ByteBuf buf && buf.isReadable()) {
            waiting = false;
            arm(requestTimeout);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /**
     * The request is complete. Its answer must be written within the idle timeout too: a client that asks and
     * then never reads would otherwise hold the connection forever.
     */
    void requestRead() {
        arm(idleTimeout);
    }

    /** The answer is out and the connection stays open: wait for the next request, at most the idle timeout. */
    void responseWritten() {
        waiting = true;
        arm(idleTimeout);
    }

    private void arm(Duration timeout) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            onTimeout.run();
            ctx.close();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
