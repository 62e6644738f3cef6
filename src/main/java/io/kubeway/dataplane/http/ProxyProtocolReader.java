package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.core.IpLiterals;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code use-proxy-protocol}: the connection must start with a PROXY protocol header, v1 (text) or v2 (binary),
 * as nginx's {@code listen ... proxy_protocol} requires; anything else closes it. Netty's
 * {@link HAProxyMessageDecoder} reads the header (v1 at most 108 bytes, v2 with at most {@link #MAX_TLV_BYTES} of
 * TLVs); this handler then takes the client address from it when the peer is in {@code proxy-real-ip-cidr}
 * (from anyone else the header is read and ignored: the peer stays the client), and leaves. A {@code LOCAL}
 * header (a load balancer's health check) keeps the peer. The header must arrive within {@link #HEADER_TIMEOUT}
 * (ingress-nginx's {@code proxy-protocol-header-timeout} default), or the request header timeout if shorter.
 */
final class ProxyProtocolReader extends ChannelInboundHandlerAdapter {
    /** The most TLV bytes a v2 header may carry (cloud load balancers send a few dozen). */
    static final int MAX_TLV_BYTES = 4096;
    /** How long a new connection may take to send its PROXY header. */
    static final java.time.Duration HEADER_TIMEOUT = java.time.Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolReader.class);

    private final ClientConnection conn;
    private final boolean trusted;
    private final Engine.Edge edge;
    private final long timeoutMillis;
    private ScheduledFuture<?> deadline;

    private ProxyProtocolReader(ClientConnection conn, Engine.Edge edge, long timeoutMillis) {
        this.conn = conn;
        this.edge = edge;
        this.trusted = edge.proxyProtocolFrom().contains(conn.peer());
        this.timeoutMillis = timeoutMillis;
    }

    /** Puts the decoder and this reader in front of the protocol handlers of a new connection. */
    static void install(Channel ch, ClientConnection conn, Engine.Edge edge, Engine engine) {
        ch.pipeline().addFirst("proxy-protocol", new ProxyProtocolReader(conn, edge,
                Math.min(HEADER_TIMEOUT.toMillis(), engine.config().requestHeaderTimeout().toMillis())));
        ch.pipeline().addFirst("proxy-protocol-decoder", new HAProxyMessageDecoder(MAX_TLV_BYTES));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            log.debug("{}: no PROXY protocol header within {} ms, closing", ctx.channel(), timeoutMillis);
            ctx.close();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage header)) { // cannot happen: the decoder passes nothing before the header
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        try {
            if (trusted && header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null) {
                InetAddress client = IpLiterals.parse(header.sourceAddress());
                if (client != null) {
                    client = CidrSet.unmap(client);
                    conn.proxied(client, edge.trustedProxies().contains(client));
                }
            }
        } finally {
            header.release();
        }
        Channel ch = ctx.channel();
        ctx.pipeline().remove(this);
        // TLS asked for one read (the ClientHello) and the header used it up; cleartext's handler asks by itself.
        if (conn.tls()) ch.read();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) deadline.cancel(false);
    }

    /** Not a PROXY header (or one too large): nginx closes such a connection. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, ctx.channel() + " PROXY protocol", cause);
        ctx.close();
    }
}
