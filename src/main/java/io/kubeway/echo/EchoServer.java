package io.kubeway.echo;

import io.kubeway.dataplane.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The demo and test backend: TCP and UDP on one address and port.
 *
 * <ul>
 *   <li>A TCP connection that starts with an HTTP/1.x request line speaks HTTP/1.1 with keep-alive: every
 *       request gets 200 and a JSON body naming this backend and describing the request
 *       ({@code backend, method, path, uri, host, headers, client}); {@code /bytes/N} answers N bytes
 *       (up to 1 GiB, streamed) of the pattern {@code abc...z} repeated.</li>
 *   <li>Any other TCP connection is echoed back byte for byte; a FIN from the client is answered by a FIN
 *       once everything is echoed.</li>
 *   <li>UDP datagrams are echoed back to their sender.</li>
 * </ul>
 */
public final class EchoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel tcp;
    private final Channel udp;
    private final String name;

    private EchoServer(EventLoopGroup group, Channel tcp, Channel udp, String name) {
        this.group = group;
        this.tcp = tcp;
        this.udp = udp;
        this.name = name;
    }

    /**
     * Binds TCP and UDP on {@code listen} (port 0: a free port, the same for both) and returns once both
     * are bound.
     *
     * @throws IllegalStateException if binding failed
     */
    public static EchoServer start(InetSocketAddress listen, String name) {
        requireNonNull(listen, "listen");
        requireNonNull(name, "name");
        Transport transport = Transport.select("auto");
        EventLoopGroup group = transport.newGroup(0, "echo");
        try {
            // With port 0 the UDP bind of the port TCP got can collide with another socket: try a few ports.
            for (int attempt = 1; ; attempt++) {
                Channel tcp = bindTcp(transport, group, listen, name);
                InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
                ChannelFuture udp = new Bootstrap()
                        .group(group)
                        .channel(transport.datagramChannel())
                        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536))
                        .handler(new UdpEchoHandler())
                        .bind(new InetSocketAddress(listen.getAddress(), bound.getPort()))
                        .awaitUninterruptibly();
                if (udp.isSuccess()) return new EchoServer(group, tcp, udp.channel(), name);
                tcp.close().awaitUninterruptibly();
                if (listen.getPort() != 0 || attempt == 5) {
                    throw new IllegalStateException("echo: cannot bind UDP " + bound + ": " + udp.cause().getMessage(),
                            udp.cause());
                }
            }
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static Channel bindTcp(Transport transport, EventLoopGroup group, InetSocketAddress listen, String name) {
        ChannelFuture f = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocketChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ProtocolSniffer(name));
                    }
                })
                .bind(listen)
                .awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IllegalStateException("echo: cannot bind TCP " + listen + ": " + f.cause().getMessage(), f.cause());
        }
        return f.channel();
    }

    /** The bound TCP (and UDP) address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) tcp.localAddress();
    }

    public String name() {
        return name;
    }

    /** Closes both sockets and every connection. */
    @Override
    public void close() {
        tcp.close().awaitUninterruptibly();
        udp.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
