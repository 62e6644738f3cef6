package io.kubeway.dataplane;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log of the data planes (HTTP and L4) for what peers do wrong: a client or backend that misbehaves costs one
 * line, never a stack trace, and all of them together at most {@link #LINES_PER_SECOND} lines a second (the
 * next line says how many were left out). A throwable that is not a peer's fault (our bug) is logged with its
 * stack trace, under the same budget.
 *
 * <p>{@link #TAIL} ends pipelines whose handlers do not all handle {@code exceptionCaught}: without it Netty's
 * pipeline tail logs a WARN with the whole stack trace for every reset connection.
 */
public final class PeerLog {
    static final int LINES_PER_SECOND = 10;
    private static final Logger log = LoggerFactory.getLogger(PeerLog.class);
    private static final long SECOND = 1_000_000_000L;
    /** Start of the current one-second window (System.nanoTime) and lines logged in it. */
    private static final AtomicLong window = new AtomicLong(System.nanoTime());
    private static final AtomicLong inWindow = new AtomicLong();
    private static final AtomicLong suppressed = new AtomicLong();

    /** Logs what reaches it through {@link #fault} and closes the channel. */
    public static final ChannelInboundHandlerAdapter TAIL = new Tail();

    private PeerLog() {
    }

    /** One line about {@code cause} on {@code where} (a channel, endpoint, listener), if the budget allows. */
    public static void fault(Logger logger, Object where, Throwable cause) {
        if (!admit()) return;
        long dropped = suppressed.getAndSet(0);
        String more = dropped == 0 ? "" : " (" + dropped + " similar lines suppressed)";
        if (isPeerFault(cause)) {
            logger.info("{}: {}{}", where, describe(cause), more);
        } else {
            logger.warn("{}: unexpected {}{}", where, cause.toString(), more, cause);
        }
    }

    /** A line of its own (a cap reached, a refusal), under the same budget. */
    public static void warn(Logger logger, String format, Object... args) {
        if (!admit()) return;
        long dropped = suppressed.getAndSet(0);
        if (dropped == 0) {
            logger.warn(format, args);
        } else {
            logger.warn(format + " (" + dropped + " similar lines suppressed)", args);
        }
    }

    private static boolean admit() {
        long now = System.nanoTime();
        long start = window.get();
        if (now - start >= SECOND && window.compareAndSet(start, now)) inWindow.set(0);
        if (inWindow.incrementAndGet() <= LINES_PER_SECOND) return true;
        suppressed.incrementAndGet();
        return false;
    }

    /** I/O errors, protocol violations, TLS failures and timeouts: what a peer causes, not a bug of ours. */
    static boolean isPeerFault(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof Http2Exception || c instanceof SSLException
                    || c instanceof TimeoutException || c instanceof io.netty.handler.timeout.TimeoutException) {
                return true;
            }
        }
        return t instanceof DecoderException || t instanceof EncoderException;
    }

    /** The innermost message, which names the fault ("Connection reset by peer"), with its class. */
    private static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.toString();
    }

    @Sharable
    private static final class Tail extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fault(log, ctx.channel(), cause);
            if (!(ctx.channel() instanceof io.netty.channel.ServerChannel)) ctx.close();
        }
    }
}
