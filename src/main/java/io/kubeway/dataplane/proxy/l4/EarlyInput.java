package io.kubeway.dataplane.proxy.l4;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayList;
import java.util.List;

/**
 * What a client sends while its backend connection is still being made (an EPOLLRDHUP or a TLS passthrough peek can
 * make the loop read early), kept in order and replayed through the relay once the backend is connected, so it is
 * forwarded and counted in order. One per connecting handler; event loop only.
 */
public final class EarlyInput {
    private final List<Object> held = new ArrayList<>(2);
    private boolean inputShutdown;

    /** Keeps a message read before the relay exists. */
    public void hold(Object msg) {
        held.add(msg);
    }

    /** Notes the client's half-close if {@code evt} is one; returns whether it was. */
    public boolean shutdown(Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            return true;
        }
        return false;
    }

    /** Frees what is held (the client went away before the backend answered). */
    public void release() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    /**
     * Puts {@code relay} after {@code ctx}'s handler, replays what was held (and the half-close) through it, removes
     * {@code ctx}'s handler and starts reading on both sides (AUTO_READ is off on both).
     */
    public void spliceIn(ChannelHandlerContext ctx, Channel out, ChannelHandler relay) {
        ctx.pipeline().addAfter(ctx.name(), null, relay);
        if (!held.isEmpty()) {
            held.forEach(ctx::fireChannelRead);
            held.clear();
            ctx.fireChannelReadComplete();
        }
        if (inputShutdown) ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        ctx.pipeline().remove(ctx.handler());
        ctx.channel().read();
        out.read();
    }
}
