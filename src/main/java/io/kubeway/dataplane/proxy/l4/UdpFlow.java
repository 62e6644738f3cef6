package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.PeerLog;
import io.kubeway.state.Endpoint;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One UDP flow: the datagrams of one client address (ip:port) to one endpoint, through a socket of its
 * own connected to the endpoint. Replies from the endpoint go back out of the listener socket, so the
 * client sees the service address as their source. Lives on the listener's event loop; no locking.
 *
 * <p>UDP may lose datagrams, so nothing here queues without bound: until the flow socket is connected at
 * most {@link #MAX_PENDING} datagrams wait, and a datagram meeting a full socket buffer is dropped.
 */
final class UdpFlow {
    private static final Logger log = LoggerFactory.getLogger(UdpFlow.class);
    static final int MAX_PENDING = 64;
    /** The largest UDP payload; Netty's datagram default (2048) would truncate larger datagrams. */
    static final int MAX_DATAGRAM = 65_536;

    private final InetSocketAddress client;
    private final Endpoint endpoint;
    private final Channel listener;
    private final ServiceMeters meters;
    private final L4Context l4;
    private final Consumer<UdpFlow> onClosed;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private Channel channel;
    private boolean connected;
    private boolean closed;
    private long lastSeenMillis;

    private UdpFlow(Channel listener, InetSocketAddress client, Endpoint endpoint, ServiceMeters meters, L4Context l4,
                    Consumer<UdpFlow> onClosed) {
        this.listener = listener;
        this.client = client;
        this.endpoint = endpoint;
        this.meters = meters;
        this.l4 = l4;
        this.onClosed = onClosed;
        this.lastSeenMillis = l4.clock().millis();
    }

    /** Opens a flow; call on the listener's event loop. {@code onClosed} runs once when it ends. */
    static UdpFlow open(Channel listener, InetSocketAddress client, Endpoint endpoint, ServiceMeters meters,
                        L4Context l4, Consumer<UdpFlow> onClosed) {
        UdpFlow flow = new UdpFlow(listener, client, endpoint, meters, l4, onClosed);
        meters.opened();
        ChannelFuture f = new Bootstrap()
                .group(listener.eventLoop())
                .channel(l4.transport().datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(flow.new Replies())
                .connect(endpoint.socketAddress());
        flow.channel = f.channel();
        f.addListener((ChannelFuture done) -> flow.connectDone(done));
        return flow;
    }

    InetSocketAddress client() {
        return client;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    boolean isClosed() {
        return closed;
    }

    long lastSeenMillis() {
        return lastSeenMillis;
    }

    /** Sends one client datagram's payload to the endpoint; takes ownership of {@code content}. */
    void send(ByteBuf content) {
        lastSeenMillis = l4.clock().millis();
        int bytes = content.readableBytes();
        if (closed || (connected ? !channel.isWritable() : pending.size() >= MAX_PENDING)) {
            content.release(); // dropped
            return;
        }
        meters.rx().increment(bytes);
        if (connected) channel.writeAndFlush(content, channel.voidPromise());
        else pending.add(content);
    }

    private void connectDone(ChannelFuture f) {
        if (!f.isSuccess()) {
            log.debug("UDP flow {} -> {}: {}", client, endpoint, f.cause().toString());
            close();
            return;
        }
        if (closed) {
            f.channel().close();
            return;
        }
        connected = true;
        for (ByteBuf b; (b = pending.poll()) != null; ) channel.write(b, channel.voidPromise());
        channel.flush();
    }

    /** Ends the flow (idle, endpoint gone, or an error); idempotent. */
    void close() {
        if (closed) return;
        closed = true;
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        channel.close();
        meters.closed();
        onClosed.accept(this);
    }

    /** Handles what the endpoint sends back. */
    private final class Replies extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket p)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            lastSeenMillis = l4.clock().millis();
            ByteBuf content = p.content();
            if (listener.isActive() && listener.isWritable()) {
                meters.tx().increment(content.readableBytes());
                listener.write(new DatagramPacket(content, client), listener.voidPromise());
            } else {
                p.release(); // dropped
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            listener.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Typically ICMP port unreachable from the endpoint: end the flow so the next datagram picks anew.
            PeerLog.fault(log, "UDP flow " + client + " -> " + endpoint, cause);
            close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }
    }
}
