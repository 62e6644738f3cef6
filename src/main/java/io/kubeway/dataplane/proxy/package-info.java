/**
 * The userspace L4 data plane: {@link io.kubeway.dataplane.proxy.ProxyDataplane} binds one Netty socket
 * per listen key and forwards TCP connections and UDP flows to the listener's cluster.
 *
 * <h2>Packet path</h2>
 * <pre>
 * TCP  client → TcpListener (server socket) → TcpFrontendHandler: pick endpoint, connect on the same
 *      event loop, next endpoint on failure, RST if none → TcpRelay ⇄ TcpRelay → endpoint
 * UDP  client → UdpListener (one socket) → UdpFlow per client ip:port (own socket connected to the
 *      endpoint) → endpoint; replies leave from the listener socket, idle flows end on the clock
 * </pre>
 *
 * <h2>Apply</h2>
 * A keyed diff ({@link io.kubeway.state.Diff}): added keys bind (failures are reported, retried next
 * time), removed keys stop listening while their connections drain, changed keys swap an immutable
 * {@link io.kubeway.dataplane.proxy.l4.Route} (balancer and meters) into a volatile field, unchanged keys
 * are left alone. ClientIP affinity state belongs to the key, not the route.
 *
 * <h2>Byte path and kernel splice</h2>
 * Bytes are copied through pooled direct buffers with AUTO_READ off and writability-driven backpressure
 * (see {@code l4.TcpRelay}). Kernel splice ({@code AbstractEpollStreamChannel.spliceTo}) was tried and
 * measured, and left out: on EPOLLRDHUP Netty's splice path shuts the input down after at most one
 * receive-buffer guess, so bytes still queued behind a FIN are lost (a half-close test and an 8 MiB echo
 * broke), and spliced bytes cannot be counted. Measured with {@code ProxyThroughputCheck} (one
 * connection, 1 GiB uploads, 2 shared cores, client and sink in the same JVM): direct ≈2.6 GiB/s; through
 * the proxy ≈1.3–1.7 GiB/s best run for nio, epoll and io_uring alike, at ≈400–500 ms proxy CPU per GiB;
 * splice ≈1.2–1.5 GiB/s at ≈320–360 ms CPU per GiB. Read-buffer and water-mark tuning (256 KiB) made no
 * difference beyond noise, so Netty's defaults stay.
 */
package io.kubeway.dataplane.proxy;
