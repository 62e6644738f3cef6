package io.kubeway.dataplane.proxy.l4;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * The L4 relay for other parts of the data plane (the Ingress listener's TLS passthrough), so that raw TCP is
 * relayed by one implementation: {@link TcpRelay}'s backpressure and half-close, {@link TcpFrontendHandler}'s RST.
 */
public final class Relays {
    private Relays() {
    }

    /**
     * A handler moving what its channel reads to {@code peer}, counting the bytes in {@code bytes}. Both channels
     * must share an event loop, run with AUTO_READ off and allow half closure.
     */
    public static ChannelHandler relay(Channel peer, Counter bytes) {
        return new TcpRelay(peer, bytes);
    }

    /** Closes {@code ch} with a TCP RST (a refusal, not a clean empty answer). */
    public static void reset(Channel ch) {
        TcpFrontendHandler.reset(ch);
    }
}
