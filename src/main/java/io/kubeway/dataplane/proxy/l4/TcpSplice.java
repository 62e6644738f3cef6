package io.kubeway.dataplane.proxy.l4;

import io.netty.channel.Channel;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel-splice byte path (epoll only): socket to pipe to socket, the bytes never enter the JVM.
 * Netty's {@code spliceTo(peer, Integer.MAX_VALUE)} splices until the channel closes; with AUTO_READ on it
 * stops reading while the peer cannot take more (at most one pipe, 64 KiB, in flight), which is the
 * backpressure. The {@link TcpRelay} handlers stay in both pipelines for half-close and close handling.
 * Bytes moved this way are not counted in {@code kubeway_bytes_total}.
 */
final class TcpSplice {
    private static final Logger log = LoggerFactory.getLogger(TcpSplice.class);

    private TcpSplice() {
    }

    /** Starts splicing both ways between two connected channels of one event loop. */
    static void start(Channel a, Channel b) {
        splice(a, b);
        splice(b, a);
    }

    private static void splice(Channel from, Channel to) {
        ((AbstractEpollStreamChannel) from).spliceTo((AbstractEpollStreamChannel) to, Integer.MAX_VALUE)
                .addListener(f -> {
                    if (!f.isSuccess() && from.isOpen()) {
                        log.debug("splice {} -> {} failed: {}", from, to, f.cause().toString());
                        from.close();
                    }
                });
        from.config().setAutoRead(true);
    }
}
