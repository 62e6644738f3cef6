package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.dataplane.proxy.l4.EarlyInput;
import io.kubeway.dataplane.proxy.l4.Relays;
import io.kubeway.state.Endpoint;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.Timeouts;
import io.micrometer.core.instrument.Counter;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TLS passthrough ({@code ssl-passthrough}) of one HTTPS connection: takes the place of the SNI handler once the
 * ClientHello named a passthrough host, connects to an endpoint of the host's cluster (a random first one, then each
 * other once), then hands both channels to the L4 relay ({@link Relays}) and replays the ClientHello and whatever
 * came after it. Nothing is decrypted. No endpoint, none reachable, or the listener's connect cap reached: the client
 * gets a TCP RST. The connect counts against {@code --max-upstream-connects} and has ingress-nginx's default
 * connect timeout; the bytes are counted in {@code kubeway_ssl_passthrough_bytes_total}.
 */
final class Passthrough extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Passthrough.class);
    private static final int CONNECT_TIMEOUT_MILLIS = (int) Timeouts.DEFAULT.connect().toMillis();

    private final HttpCluster cluster;
    private final Engine engine;
    private final ClientConnection conn;
    /** The ClientHello (passed on by the SNI handler as it leaves) and anything read before the backend connected. */
    private final EarlyInput early = new EarlyInput();
    private boolean slot;
    private int first;

    Passthrough(HttpCluster cluster, Engine engine, ClientConnection conn) {
        this.cluster = cluster;
        this.engine = engine;
        this.conn = conn;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel in = ctx.channel();
        in.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        List<Endpoint> eps = cluster.endpoints();
        if (eps.isEmpty()) {
            log.debug("{}: passthrough to {}: no endpoints, reset", in, cluster.name());
            Relays.reset(in);
            return;
        }
        if (!conn.listener().startConnect()) {
            PeerLog.warn(log, "{}: backend connects in flight at the --max-upstream-connects cap, passthrough to {} "
                    + "reset", conn.listener().key(), cluster.name());
            Relays.reset(in);
            return;
        }
        slot = true;
        first = eps.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(eps.size());
        ctx.executor().execute(() -> connect(ctx, 0)); // after the SNI handler has left and handed over its bytes
    }

    private void connect(ChannelHandlerContext ctx, int attempt) {
        Channel in = ctx.channel();
        List<Endpoint> eps = cluster.endpoints();
        Endpoint endpoint = eps.get((first + attempt) % eps.size());
        new Bootstrap()
                .group(in.eventLoop())
                .channel(engine.transport().socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(Relays.relay(in, engine.passthroughBytes(false)))
                .connect(endpoint.socketAddress())
                .addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        connectDone();
                        connected(ctx, f.channel());
                    } else if (in.isActive() && attempt + 1 < eps.size()) {
                        log.debug("{} -> {}: passthrough connect failed: {}", cluster.name(), endpoint,
                                f.cause().toString());
                        connect(ctx, attempt + 1);
                    } else {
                        connectDone();
                        log.debug("{}: passthrough to {} failed: {}", in, cluster.name(), f.cause().toString());
                        Relays.reset(in);
                    }
                });
    }

    private void connectDone() {
        if (slot) {
            slot = false;
            conn.listener().connectDone();
        }
    }

    private void connected(ChannelHandlerContext ctx, Channel out) {
        Channel in = ctx.channel();
        if (!in.isActive()) {
            out.close();
            return;
        }
        early.spliceIn(ctx, out, Relays.relay(out, engine.passthroughBytes(true)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.hold(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // anything but a half-close (the SNI handler's completion event) is of no use here
        if (!early.shutdown(evt)) ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.release();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        PeerLog.fault(log, "passthrough " + cluster.name() + " " + ctx.channel(), cause);
        ctx.close();
    }
}
