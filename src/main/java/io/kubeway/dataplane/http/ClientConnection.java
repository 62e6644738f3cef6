package io.kubeway.dataplane.http;

import java.net.InetAddress;

/**
 * Facts about a client connection every request on it shares (for HTTP/2, every stream).
 *
 * @param peer        the TCP peer, IPv4-mapped addresses unmapped
 * @param peerTrusted whether the peer is a trusted proxy (its X-Forwarded-* headers are believed)
 * @param tls         whether the connection is TLS
 * @param localPort   the listener's port (X-Forwarded-Port)
 * @param listener    the listener that accepted it (whether it is draining)
 */
record ClientConnection(InetAddress peer, boolean peerTrusted, boolean tls, int localPort, HttpListener listener) {
}
