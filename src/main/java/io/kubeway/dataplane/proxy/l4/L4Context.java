package io.kubeway.dataplane.proxy.l4;

import io.kubeway.dataplane.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;

import java.time.Clock;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What every L4 listener of one data plane shares: the event loops and their transport, the clock
 * (affinity and UDP idle timers), the timeouts, and the cap on client connections per TCP listener.
 */
public record L4Context(EventLoopGroup group, Transport transport, Clock clock, Duration connectTimeout,
                        Duration udpIdleTimeout, int maxClientConnections) {
    public L4Context(EventLoopGroup group, Transport transport, Clock clock, Duration connectTimeout,
                     Duration udpIdleTimeout) {
        this(group, transport, clock, connectTimeout, udpIdleTimeout, Integer.MAX_VALUE);
    }

    public L4Context {
        requireNonNull(group, "group");
        requireNonNull(transport, "transport");
        requireNonNull(clock, "clock");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(udpIdleTimeout, "udpIdleTimeout");
    }

    int connectTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
    }
}
