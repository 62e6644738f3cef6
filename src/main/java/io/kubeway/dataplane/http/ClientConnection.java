package io.kubeway.dataplane.http;

import io.kubeway.core.IpLiterals;
import io.kubeway.state.http.ClientCertificate;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayDeque;

/**
 * A client connection: facts every request on it shares (for HTTP/2, every stream), and its backend connects in
 * flight, capped by {@link io.kubeway.dataplane.ConnectionLimits#maxUpstreamConnectsPerClient()}: past the cap
 * an exchange waits here for a slot (at most one per open stream, so the queue is bounded by the stream limit).
 * The counters are confined to the connection's event loop.
 *
 * @param peer        the TCP peer, IPv4-mapped addresses unmapped (or the client a trusted PROXY header names)
 * @param peerTrusted whether the peer is a trusted proxy (its X-Forwarded-* headers are believed)
 * @param tls         whether the connection is TLS
 * @param localPort   the listener's port (X-Forwarded-Port)
 * @param listener    the listener that accepted it (whether it is draining; its caps)
 */
final class ClientConnection {
    private InetAddress peer;
    private boolean peerTrusted;
    private final boolean tls;
    private final int localPort;
    private final HttpListener listener;
    /** Backend connects in flight for this connection's requests. */
    int connecting;
    /** TLS: the server name of the handshake (null: none sent), set before the first request. */
    @Nullable String serverName;
    /** TLS: the verifier of the handshake's server name, when it asked for a client certificate. */
    @Nullable ClientVerifier verifier;
    /** TLS: the client certificate's verdict, set once the handshake is done when {@link #verifier} is set. */
    @Nullable ClientCertificate clientCertificate;
    private @Nullable ArrayDeque<Exchange> waiting;
    private @Nullable String peerText;
    private @Nullable String localPortText;
    /** compute-full-forwarded-for when the connection was accepted: a trusted proxy's X-Forwarded-For list is kept. */
    boolean fullForwardedFor = true;
    /**
     * forwarded-for-header when the connection was accepted: the header a trusted peer names the client in (lower
     * case, X-Forwarded-For by default; decided with the configuration, so the default costs nothing more).
     */
    io.netty.util.AsciiString realIpHeader = Forwarding.X_FORWARDED_FOR;

    ClientConnection(InetAddress peer, boolean peerTrusted, boolean tls, int localPort, HttpListener listener) {
        this.peer = peer;
        this.peerTrusted = peerTrusted;
        this.tls = tls;
        this.localPort = localPort;
        this.listener = listener;
    }

    /**
     * The client as a PROXY protocol header from a trusted peer names it (see {@link ProxyProtocolReader}); set
     * before the first request is read.
     */
    void proxied(InetAddress client, boolean trusted) {
        peer = client;
        peerTrusted = trusted;
    }

    InetAddress peer() {
        return peer;
    }

    boolean peerTrusted() {
        return peerTrusted;
    }

    boolean tls() {
        return tls;
    }

    int localPort() {
        return localPort;
    }

    /** The peer's address as X-Forwarded-For writes it: formatted once per connection, not per request. */
    String peerText() {
        String t = peerText;
        if (t == null) peerText = t = IpLiterals.format(peer);
        return t;
    }

    /** The listener's port as X-Forwarded-Port writes it, once per connection. */
    String localPortText() {
        String t = localPortText;
        if (t == null) localPortText = t = Integer.toString(localPort);
        return t;
    }

    HttpListener listener() {
        return listener;
    }

    /** Queues {@code e} until a connect of this connection ends. */
    void awaitConnectSlot(Exchange e) {
        if (waiting == null) waiting = new ArrayDeque<>(4);
        waiting.add(e);
    }

    /** {@code e} no longer waits (its stream is gone). */
    void stopWaiting(Exchange e) {
        if (waiting != null) waiting.remove(e);
    }

    /** A connect ended: the slot goes to the longest waiting exchange, if any. */
    void connectDone() {
        connecting--;
        Exchange next = waiting == null ? null : waiting.poll();
        if (next != null) next.connectSlotFree();
    }
}
