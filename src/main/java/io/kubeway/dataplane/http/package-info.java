/**
 * The HTTP(S) proxy engine behind Kubeway's Ingress: {@link io.kubeway.dataplane.http.HttpDataplane} carries out
 * the decisions of an {@link io.kubeway.state.http.Router} on Netty.
 *
 * <h2>Shape</h2>
 * <pre>
 * HttpListener (per ListenKey)
 *   └─ Pipelines: TLS? SniHandler(ServerTls) → ALPN ─┐   cleartext: preface sniffer ─┐
 *        HTTP/1.1: HttpServerCodec → ProxyHandler      │   HTTP/2: Http2FrameCodec → Http2MultiplexHandler
 *                                                     │        └─ per stream: Http2StreamFrameToHttpObjectCodec → ProxyHandler
 *   ProxyHandler: one Exchange at a time (queue bounded by one read)
 *     Exchange: checks → RequestView → Router.route → Respond | Forward
 *       Forward: RateLimiter, EndpointPicker/Candidates, LoopUpstreams.pooled or .connect (same event loop)
 *         H1Link (pooled keep-alive HTTP/1.1, optionally TLS) | H2StreamLink (stream on a shared H2Connection)
 *       stream both bodies with backpressure; Deadlines for send/read/client timeouts; WebSocketTunnel after a 101
 *       HttpMeters + AccessLog at the end
 * </pre>
 *
 * <h2>Rules that matter</h2>
 * <ul>
 *   <li>Channels run with AUTO_READ off: a side is read only when the other side can take what it yields, so a
 *       slow reader holds back a fast writer and memory per request stays around one read buffer plus one
 *       socket high-water mark, whatever the body size.</li>
 *   <li>A client connection and its backend channels share one event loop: no locks on the data path. Backend
 *       pools are per event loop for the same reason.</li>
 *   <li>Nothing is reused unless both messages ended cleanly: a backend connection is pooled only after a
 *       complete request and a complete keep-alive response.</li>
 *   <li>The router is read once per request; certificates once per handshake. Reconfiguration never touches a
 *       request in flight, an open WebSocket or an established TLS session.</li>
 *   <li>Requests a backend could frame differently than we do are refused before routing (see
 *       {@link io.kubeway.dataplane.http.RequestChecks}).</li>
 * </ul>
 */
package io.kubeway.dataplane.http;
