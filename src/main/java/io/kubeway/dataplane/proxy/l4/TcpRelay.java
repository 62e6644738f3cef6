package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.PeerLog;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes from its channel to {@code peer}; one on each side of a proxied TCP connection, both on the
 * same event loop (so no field needs to be volatile).
 *
 * <p>Backpressure: channels run with AUTO_READ off, and a relay asks for the next read only while the
 * peer's outbound buffer is below its high-water mark; when the peer drains below the low-water mark its
 * own relay sees the writability change and asks this side to read again. So at most about one
 * high-water mark (64 KiB) plus one read buffer is held per direction, however slow the receiver.
 *
 * <p>Half-close: channels allow half closure, so a FIN from one side arrives here as
 * {@link ChannelInputShutdownEvent}; it is passed on as a {@code shutdownOutput} on the peer once
 * everything written before it is flushed, and the other direction keeps flowing. A channel whose input
 * and output are both shut down is closed; a channel that closes closes its peer after a flush.
 */
final class TcpRelay extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpRelay.class);

    private final Channel peer;
    private final Counter bytes;

    /**
     * @param bytes counts the bytes read from this handler's channel
     */
    TcpRelay(Channel peer, Counter bytes) {
        this.peer = peer;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) bytes.increment(buf.readableBytes());
        // A failed write surfaces as exceptionCaught on the peer, whose relay then closes it.
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (peer.isWritable() && canRead(ctx.channel())) ctx.read();
    }

    /**
     * Open and not at EOF. Asking a channel whose input is shut down to read again re-arms a spent socket for
     * nothing; on Netty 4.2's epoll transport it also broke the connection (epoll_ctl failed with ENOENT, the reply
     * still to come was lost: TransportMatrixTest.halfCloseToASlowBackend), which transport.EpollInterestFix now
     * prevents for every interest change.
     */
    private static boolean canRead(Channel ch) {
        return ch.isActive() && !(ch instanceof DuplexChannel d && d.isInputShutdown());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Our outbound buffer drained: the peer, which fills it, may read again.
        if (ctx.channel().isWritable() && canRead(peer)) peer.read();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            forwardEof(ctx.channel(), peer);
        }
        ctx.fireUserEventTriggered(evt);
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

    /**
     * {@code from} got a FIN: send one to {@code to} after what is queued for it, then close what is done. When
     * {@code to} has already sent its own FIN both directions are done, and a close sends the same FIN: one syscall
     * instead of {@code shutdown} and then {@code close}, and no exception (Netty's {@code shutdownOutput} makes a
     * {@code ChannelOutputShutdownException}, stack trace included, for every call). That is the second FIN of
     * every proxied connection that ends normally (issue 10).
     */
    static void forwardEof(Channel from, Channel to) {
        if (to.isActive() && to instanceof DuplexChannel t && t.isInputShutdown()) {
            closeOnFlush(to);
        } else if (to.isActive()) {
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
                if (f.isSuccess() && to instanceof DuplexChannel d) {
                    d.shutdownOutput().addListener((ChannelFuture g) -> {
                        if (!g.isSuccess()) {
                            to.close();
                            return;
                        }
                        // Once our FIN is out, the peer's FIN ends both directions: Netty then closes the channel
                        // itself (channelInactive closes the other side after a flush) instead of a shutdown(SHUT_RD)
                        // that fails on the socket now in TIME_WAIT, with a NotYetConnectedException (issue 10).
                        to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                        closeIfDone(to);
                    });
                } else {
                    to.close();
                }
            });
        }
        closeIfDone(from);
    }

    private static void closeIfDone(Channel ch) {
        if (ch instanceof DuplexChannel d && d.isInputShutdown() && d.isOutputShutdown()) ch.close();
    }

    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
