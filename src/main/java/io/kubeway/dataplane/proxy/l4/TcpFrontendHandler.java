package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.state.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The first handler of an accepted TCP connection: picks an endpoint, connects to it on the same event
 * loop (so the two channels never need locking), tries the next endpoint on failure, and once connected
 * hands both channels to {@link TcpRelay} and removes itself.
 *
 * <p>No endpoints, or none reachable: the client gets a TCP RST (SO_LINGER 0, then close), the closest a
 * userspace proxy comes to the REJECT rule kube-proxy installs; a FIN would look like a clean, empty
 * answer.
 */
final class TcpFrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(TcpFrontendHandler.class);

    private final Route route;
    private final L4Context l4;
    private final EarlyInput early = new EarlyInput();
    private int first;

    TcpFrontendHandler(Route route, L4Context l4) {
        this.route = route;
        this.l4 = l4;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel in = ctx.channel();
        Balancer balancer = route.balancer();
        if (balancer.endpoints().isEmpty() || !route.admits(clientIp(in))) {
            route.meters().rejected();
            reset(in);
            return;
        }
        ServiceMeters meters = route.meters();
        meters.opened();
        in.closeFuture().addListener(f -> meters.closed());
        first = balancer.pick(clientIp(in));
        connect(ctx, 0);
    }

    private void connect(ChannelHandlerContext ctx, int attempt) {
        Channel in = ctx.channel();
        Endpoint endpoint = route.balancer().candidate(first, attempt);
        new Bootstrap()
                .group(in.eventLoop())
                .channel(l4.transport().socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.SO_KEEPALIVE, true) // TCP_NODELAY is Netty's default: not set twice
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, l4.connectTimeoutMillis())
                .handler(new TcpRelay(in, route.meters().tx()))
                .connect(endpoint.socketAddress())
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        connected(ctx, f.channel(), endpoint);
                    } else if (in.isActive()) {
                        int n = route.balancer().endpoints().size();
                        log.debug("{} -> {}: connect failed (attempt {} of {}): {}", route.spec().service(), endpoint,
                                attempt + 1, n, f.cause().toString());
                        if (attempt + 1 < n) connect(ctx, attempt + 1);
                        else reset(in);
                    }
                });
    }

    private void connected(ChannelHandlerContext ctx, Channel out, Endpoint endpoint) {
        Channel in = ctx.channel();
        if (!in.isActive()) {
            out.close();
            return;
        }
        route.balancer().connected(clientIp(in), endpoint);
        if (route.spec().sendProxyProtocol()) out.write(ProxyHeaderV1.of(in, out.alloc()), out.voidPromise());
        early.spliceIn(ctx, out, new TcpRelay(out, route.meters().rx()));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.hold(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!early.shutdown(evt)) ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, route.spec().service() + " " + ctx.channel(), cause);
        ctx.close();
    }

    /** Closes with a TCP RST instead of a FIN. */
    static void reset(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            log.debug("cannot set SO_LINGER on {}: {}", ch, e.toString());
        }
        ch.close();
    }

    private static InetAddress clientIp(Channel ch) {
        return ProxyHeaderReader.client(ch).getAddress();
    }
}
