package io.kubeway.dataplane.proxy.l4;

import io.kubeway.core.IpLiterals;
import io.kubeway.dataplane.PeerLog;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An exposed TCP service whose entry reads the PROXY protocol ({@code ns/svc:port:PROXY}): the connection must
 * start with a v1 or v2 header (Netty's {@link HAProxyMessageDecoder}, v2 TLVs capped at {@link #MAX_TLV_BYTES}),
 * within {@link #TIMEOUT}, or it is closed. The header's addresses become the connection's client and server
 * ({@link #client}, {@link #server}): the balancer's ClientIP, source ranges, and the header sent on to a backend
 * that asks for one. Only then does {@link TcpFrontendHandler} see the connection as active and connect.
 * A {@code LOCAL} header (a health check) keeps the socket's addresses.
 */
final class ProxyHeaderReader extends ChannelInboundHandlerAdapter {
    static final int MAX_TLV_BYTES = 4096;
    /** ingress-nginx's proxy-protocol-header-timeout default. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final AttributeKey<InetSocketAddress[]> PROXIED = AttributeKey.valueOf("kubeway.proxied");
    private static final Logger log = LoggerFactory.getLogger(ProxyHeaderReader.class);

    private ScheduledFuture<?> deadline;
    private boolean active;

    static void install(Channel ch) {
        ch.pipeline().addLast(new HAProxyMessageDecoder(MAX_TLV_BYTES), new ProxyHeaderReader());
    }

    /** The client: from the PROXY header when there was one, else the peer. */
    static InetSocketAddress client(Channel ch) {
        InetSocketAddress[] p = ch.attr(PROXIED).get();
        return p != null ? p[0] : (InetSocketAddress) ch.remoteAddress();
    }

    /** The address the client connected to: from the PROXY header when there was one, else the local address. */
    static InetSocketAddress server(Channel ch) {
        InetSocketAddress[] p = ch.attr(PROXIED).get();
        return p != null ? p[1] : (InetSocketAddress) ch.localAddress();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        deadline = ctx.executor().schedule(() -> {
            log.debug("{}: no PROXY protocol header within {}, closing", ctx.channel(), TIMEOUT);
            ctx.close();
        }, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ctx.read(); // the listener's channels start with AUTO_READ off
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            if (header.command() == HAProxyCommand.PROXY) {
                InetAddress src = IpLiterals.parse(header.sourceAddress());
                InetAddress dst = IpLiterals.parse(header.destinationAddress());
                if (src != null && dst != null) {
                    ctx.channel().attr(PROXIED).set(new InetSocketAddress[] {
                            new InetSocketAddress(src, header.sourcePort()),
                            new InetSocketAddress(dst, header.destinationPort())});
                }
            }
        } finally {
            header.release();
        }
        if (deadline != null) deadline.cancel(false);
        ctx.pipeline().remove(this);
        if (active) ctx.fireChannelActive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, ctx.channel() + " PROXY protocol", cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) deadline.cancel(false);
        ctx.fireChannelInactive();
    }
}
