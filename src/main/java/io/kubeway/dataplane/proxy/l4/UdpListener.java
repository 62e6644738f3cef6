package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.dataplane.proxy.lb.Balancer;
import io.kubeway.state.Endpoint;
import io.kubeway.state.ListenKey;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A UDP socket on one {@link ListenKey} with one {@link UdpFlow} per client address. Flows end after
 * {@code udpIdleTimeout} without traffic either way, checked against the injected clock by a sweep on the
 * socket's event loop; all flow state lives on that loop.
 *
 * <p>Kubernetes semantics, as kube-proxy's conntrack cleanup has them: when the endpoint set changes,
 * flows to endpoints no longer in it are ended at once (so the client's next datagram goes to a live
 * endpoint instead of a black hole), while flows of a removed service are left to time out. A removed
 * listener therefore <em>drains</em>: it takes no new clients, keeps its socket (replies must leave from
 * the service address) until its last flow went idle, then closes. Re-adding the key meanwhile revives it.
 *
 * <p>Flows per listener are capped like TCP connections ({@link L4Context#maxClientConnections()}): a new
 * client's datagrams past the cap are dropped and counted as rejected, existing flows go on.
 *
 * <p>No endpoints: datagrams are dropped and counted as rejected. kube-proxy answers with ICMP port
 * unreachable; a userspace proxy cannot send ICMP.
 *
 * <p>The socket is bound without SO_REUSEADDR: for UDP on Linux it would let a second socket bind the same
 * address and port and silently split the traffic, instead of reporting the conflict.
 */
public final class UdpListener implements L4Socket {
    private static final Logger log = LoggerFactory.getLogger(UdpListener.class);

    private final L4Context l4;
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();
    private volatile Route route;
    private Channel channel;
    private boolean draining;

    private UdpListener(Route route, L4Context l4) {
        this.route = requireNonNull(route, "route");
        this.l4 = l4;
    }

    /**
     * Binds {@code key}. Blocks until the bind is done; must not run on an event loop.
     *
     * @throws BindFailedException if the socket could not be bound
     */
    public static UdpListener bind(ListenKey key, Route route, L4Context l4) {
        UdpListener listener = new UdpListener(route, l4);
        ChannelFuture f = new Bootstrap()
                .group(l4.group())
                .channel(l4.transport().datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpFlow.MAX_DATAGRAM))
                .handler(listener.new Datagrams())
                .bind(key.socketAddress())
                .awaitUninterruptibly();
        if (!f.isSuccess()) throw new BindFailedException(key, f.cause());
        listener.channel = f.channel();
        long period = sweepPeriodMillis(l4.udpIdleTimeout());
        var sweep = f.channel().eventLoop().scheduleWithFixedDelay(listener::sweep, period, period, TimeUnit.MILLISECONDS);
        f.channel().closeFuture().addListener(x -> sweep.cancel(false));
        return listener;
    }

    /** A quarter of the idle timeout, between 10 ms and 1 s: flows end at most that late. */
    static long sweepPeriodMillis(Duration idleTimeout) {
        return Math.clamp(idleTimeout.toMillis() / 4, 10L, 1000L);
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public void route(Route next) {
        this.route = requireNonNull(next, "next");
        channel.eventLoop().execute(() -> endFlowsNotIn(next.balancer()));
    }

    @Override
    public Channel channel() {
        return channel;
    }

    /** Starts draining: no new flows; the socket closes once the live flows went idle. */
    @Override
    public void close() {
        channel.eventLoop().execute(() -> {
            draining = true;
            if (flows.isEmpty()) channel.close();
        });
    }

    /**
     * Takes a draining listener back into service with {@code next}. Blocks; must not run on an event loop.
     *
     * @return false if it had already closed (bind a new one)
     */
    public boolean revive(Route next) {
        requireNonNull(next, "next");
        Future<Boolean> f = channel.eventLoop().submit(() -> {
            if (!channel.isOpen()) return false;
            draining = false;
            route = next;
            endFlowsNotIn(next.balancer());
            return true;
        });
        return f.awaitUninterruptibly().isSuccess() && f.getNow();
    }

    @Override
    public void closeNow() {
        channel.eventLoop().execute(() -> {
            new ArrayList<>(flows.values()).forEach(UdpFlow::close);
            channel.close();
        });
        channel.closeFuture().awaitUninterruptibly();
    }

    /** The number of live flows (for tests and the admin API). Blocks; must not run on an event loop. */
    public int flowCount() {
        Future<Integer> f = channel.eventLoop().submit(flows::size);
        return f.awaitUninterruptibly().isSuccess() ? f.getNow() : 0;
    }

    private void sweep() {
        long now = l4.clock().millis();
        long idle = l4.udpIdleTimeout().toMillis();
        List<UdpFlow> expired = new ArrayList<>();
        for (UdpFlow flow : flows.values()) {
            if (now - flow.lastSeenMillis() >= idle) expired.add(flow);
        }
        expired.forEach(UdpFlow::close);
        route.balancer().evictExpiredAffinity();
    }

    private void endFlowsNotIn(Balancer balancer) {
        Set<InetSocketAddress> live = new HashSet<>();
        for (Endpoint e : balancer.endpoints()) live.add(e.socketAddress());
        List<UdpFlow> stale = new ArrayList<>();
        for (UdpFlow flow : flows.values()) {
            if (!live.contains(flow.endpoint().socketAddress())) stale.add(flow);
        }
        stale.forEach(UdpFlow::close);
    }

    private void forget(UdpFlow flow) {
        flows.remove(flow.client(), flow);
        if (draining && flows.isEmpty()) channel.close();
    }

    /** Reads client datagrams and hands each to its flow, opening one for a new client. */
    private final class Datagrams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket p)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            InetSocketAddress client = p.sender();
            UdpFlow flow = flows.get(client);
            if (flow == null) {
                Route r = route;
                Balancer balancer = r.balancer();
                // each flow holds a backend socket: the cap keeps a flood of (spoofable) sources from taking every fd
                if (draining || balancer.endpoints().isEmpty() || !r.admits(client.getAddress())
                        || flows.size() >= l4.maxClientConnections()) {
                    if (!draining) r.meters().rejected();
                    p.release();
                    return;
                }
                Endpoint endpoint = balancer.candidate(balancer.pick(client.getAddress()), 0);
                balancer.connected(client.getAddress(), endpoint);
                flow = UdpFlow.open(ctx.channel(), client, endpoint, r.meters(), l4, UdpListener.this::forget);
                if (!flow.isClosed()) flows.put(client, flow); // a connect can fail at once
            }
            flow.send(p.content());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One bad datagram or send must not take the listener down.
            PeerLog.fault(log, "UDP listener " + ctx.channel().localAddress(), cause);
        }
    }
}
