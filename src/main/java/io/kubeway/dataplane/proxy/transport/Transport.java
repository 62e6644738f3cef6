package io.kubeway.dataplane.proxy.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * One Netty I/O transport: how to build event loops and which channel classes go with them. Channels
 * only work on event loops of their own transport, so everything that creates a channel takes it from
 * here.
 *
 * <p>{@link #select(String)} picks {@code io_uring}, {@code epoll} or {@code nio}; {@code auto} takes the
 * first one the kernel and the native libraries support, in that order.
 */
public final class Transport {
    /** The names {@link #select(String)} accepts. */
    public static final List<String> NAMES = List.of("auto", "io_uring", "epoll", "nio");

    private final String name;
    private final Supplier<IoHandlerFactory> ioHandlerFactory;
    private final Class<? extends ServerChannel> serverSocketChannel;
    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    private Transport(String name, Supplier<IoHandlerFactory> ioHandlerFactory,
                      Class<? extends ServerChannel> serverSocketChannel,
                      Class<? extends SocketChannel> socketChannel,
                      Class<? extends DatagramChannel> datagramChannel) {
        this.name = name;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverSocketChannel = serverSocketChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /**
     * The transport called {@code name}; {@code auto} means io_uring, else epoll, else nio.
     *
     * @throws IllegalArgumentException for an unknown name, or a native transport this machine lacks
     *                                  (the message carries the reason it is unavailable)
     */
    public static Transport select(String name) {
        requireNonNull(name, "name");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "auto" -> IoUring.isAvailable() ? ioUring() : Epoll.isAvailable() ? epoll() : nio();
            case "io_uring", "iouring", "io-uring" -> {
                if (!IoUring.isAvailable()) {
                    throw new IllegalArgumentException("io_uring unavailable: " + IoUring.unavailabilityCause());
                }
                yield ioUring();
            }
            case "epoll" -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("epoll unavailable: " + Epoll.unavailabilityCause());
                }
                yield epoll();
            }
            case "nio" -> nio();
            default -> throw new IllegalArgumentException("unknown transport \"" + name + "\"; expected one of " + NAMES);
        };
    }

    /** Whether the named transport can be used here ({@code auto} and {@code nio} always can). */
    public static boolean isAvailable(String name) {
        try {
            select(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class,
                IoUringSocketChannel.class, IoUringDatagramChannel.class);
    }

    private static Transport epoll() {
        return new Transport("epoll", () -> new EpollInterestFix(EpollIoHandler.newFactory()),
                EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}. */
    public String name() {
        return name;
    }

    /** A new event loop group of {@code threads} threads (0: one per processor) named {@code threadPrefix-N}. */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory.get());
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        return serverSocketChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    @Override
    public String toString() {
        return name;
    }
}
