package io.kubeway.dataplane.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.net.InetAddress;
import java.util.Map;

/**
 * The request head a backend gets: the client's headers without hop-by-hop ones (a WebSocket upgrade keeps
 * {@code Upgrade} and says {@code Connection: upgrade}), Host preserved (an absolute-form target's authority
 * replaces it), X-Forwarded-* and X-Real-IP and X-Request-ID added, then the route's own headers; the target
 * is the route's upstream path; always HTTP/1.1. {@code Expect} is removed: the proxy answers
 * {@code 100 Continue} itself once the backend is connected (as Envoy does), so a backend that ignores Expect
 * cannot leave the client waiting. The client-certificate headers ({@code ssl-client-verify}, {@code
 * ssl-client-subject-dn}, {@code ssl-client-issuer-dn}, {@code ssl-client-cert}) are only ever the proxy's: a
 * client's own are removed on every route (four hash lookups), so a backend that trusts them, even one also reachable
 * through a host without client authentication, never sees a forged one.
 */
final class UpstreamHeads {
    private static final AsciiString[] CLIENT_CERT_HEADERS = {AsciiString.cached("ssl-client-verify"),
            AsciiString.cached("ssl-client-subject-dn"), AsciiString.cached("ssl-client-issuer-dn"),
            AsciiString.cached("ssl-client-cert")};

    private UpstreamHeads() {
    }

    /** Whether {@code r} asks for a WebSocket (RFC 6455 section 4.1: GET, Upgrade: websocket, Connection: upgrade). */
    static boolean isWebSocket(HttpRequest r) {
        return r.method().equals(HttpMethod.GET)
                && Forwarding.hasToken(r.headers().get(HttpHeaderNames.UPGRADE), "websocket")
                && r.headers().getAll(HttpHeaderNames.CONNECTION).stream().anyMatch(v -> Forwarding.hasToken(v, "upgrade"));
    }

    /** Whether the client asked for {@code 100 Continue}; read before {@link #build} removes the header. */
    static boolean expectsContinue(HttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.EXPECT, "100-continue", true);
    }

    /** Rewrites the client's headers in place and returns the head for the backend. */
    static HttpRequest build(HttpRequest req, RequestTarget target, ClientConnection conn, InetAddress clientIp,
                             boolean websocket, String hostHeader, String requestId, Map<String, String> setHeaders,
                             String upstreamPath) {
        HttpHeaders h = req.headers();
        String originalHost = target.authority() != null ? target.authority() : hostHeader;
        h.remove(HttpHeaderNames.EXPECT);
        Forwarding.stripHopByHop(h, websocket);
        if (websocket) h.set(HttpHeaderNames.CONNECTION, "upgrade");
        if (target.authority() != null) h.set(HttpHeaderNames.HOST, target.authority());
        Forwarding.addForwarded(h, conn.peer(), conn.peerText(), conn.peerTrusted(), clientIp, conn.tls(), originalHost,
                conn.localPortText(), requestId, conn.fullForwardedFor);
        for (AsciiString name : CLIENT_CERT_HEADERS) h.remove(name);
        setHeaders.forEach(h::set);
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), upstreamPath, h);
    }
}
