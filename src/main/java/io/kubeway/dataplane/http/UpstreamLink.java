package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The path of one request to a backend: a pooled HTTP/1.1 connection ({@link H1Link}) or one HTTP/2 stream
 * ({@link H2StreamLink}). Either way its channel takes and yields {@code HttpObject}s, and this handler, last
 * in that channel's pipeline, hands what the backend says to the {@link Exchange} it is lent to. It lives on
 * the event loop of the client connection, so nothing here needs locking.
 */
abstract class UpstreamLink extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamLink.class);

    final Endpoint endpoint;
    @Nullable Channel channel;
    @Nullable Exchange exchange;

    UpstreamLink(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Whether this connection served an earlier request (so it may have been closed by the backend meanwhile). */
    abstract boolean reused();

    /** Gives the link back: to the pool if {@code reusable} and still healthy, else closes it. */
    abstract void release(boolean reusable);

    /** Takes the link out of every pool for good: its channel becomes a raw tunnel (WebSocket). */
    abstract void detach();

    void attach(Exchange e) {
        exchange = e;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange e = exchange;
        if (e != null) {
            e.upstreamRead(msg);
        } else {
            // Nothing may arrive on an idle connection: the backend is confused; do not reuse it.
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) e.upstreamReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        if (e != null) e.upstreamWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Exchange e = exchange;
        exchange = null;
        closed();
        if (e != null) e.upstreamClosed(this, null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, endpoint + " " + ctx.channel(), cause);
        Exchange e = exchange;
        exchange = null;
        ctx.close();
        if (e != null) e.upstreamClosed(this, cause);
    }

    /** The channel closed; forget it in pools. */
    abstract void closed();

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
