package io.kubeway.dataplane.proxy.l4;

import io.netty.channel.Channel;

/** A bound listener socket ({@link TcpListener} or {@link UdpListener}) whose route can be swapped. */
public sealed interface L4Socket permits TcpListener, UdpListener {
    /** The route new connections or flows use now. */
    Route route();

    /** Swaps the route: new connections and flows use {@code next}; open ones keep theirs. */
    void route(Route next);

    /** The listening channel. */
    Channel channel();

    /**
     * Stops taking new connections. TCP closes the server socket at once; UDP keeps the socket until its
     * flows went idle, since replies must leave from the service address (see {@link UdpListener}).
     */
    void close();

    /** Closes the socket and everything it still owns, at once. */
    void closeNow();
}
