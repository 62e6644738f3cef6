package io.kubeway.dataplane.proxy.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Works around a defect of Netty 4.2's epoll transport (4.2.18 and 4.2.21 alike): when a channel's interest set
 * becomes empty (its input is shut down and nothing waits to be written) Netty takes the fd out of the epoll set
 * (netty/netty#16689), but the registration still counts as added, so the channel's next interest (more to write
 * to a client that half-closed, or a read) is an {@code EPOLL_CTL_MOD} that fails with ENOENT, and Netty closes
 * the connection: a half-closed client lost the rest of a large reply (TransportMatrixTest
 * .halfClosedClientGetsALargeReply; 7-11 of 60 8 MiB echoes through the L4 relay were cut short).
 *
 * <p>This factory wraps Netty's epoll handler and turns that empty interest set into {@code EPOLLET} alone: the fd
 * stays in the set, epoll reports only an error or hang-up edge for it, once (no wake-up loop, which is what the
 * removal was for), and the next interest is a valid {@code EPOLL_CTL_MOD}. Everything else goes to Netty as is.
 */
final class EpollInterestFix implements IoHandlerFactory {
    private final IoHandlerFactory epoll;

    EpollInterestFix(IoHandlerFactory epoll) {
        this.epoll = epoll;
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        return new Handler(epoll.newHandler(executor));
    }

    @Override
    public boolean isChangingThreadSupported() {
        return epoll.isChangingThreadSupported();
    }

    private record Handler(IoHandler epoll) implements IoHandler {
        @Override
        public void initialize() {
            epoll.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            return epoll.run(context);
        }

        @Override
        public void prepareToDestroy() {
            epoll.prepareToDestroy();
        }

        @Override
        public void destroy() {
            epoll.destroy();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return new Registration(epoll.register(handle));
        }

        @Override
        public void wakeup() {
            epoll.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return epoll.isCompatible(handleType);
        }
    }

    private record Registration(IoRegistration epoll) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return epoll.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            return epoll.submit(ops instanceof EpollIoOps e && e.value() == 0 ? EpollIoOps.EPOLLET : ops);
        }

        @Override
        public boolean isValid() {
            return epoll.isValid();
        }

        @Override
        public boolean cancel() {
            return epoll.cancel();
        }
    }
}
