package io.kubeway.dataplane.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

import java.util.Map;

/**
 * A backend's response head made fit for the client: hop-by-hop headers out, the route's headers and the
 * affinity cookie in, and new framing. The body keeps its Content-Length if it had one; otherwise an HTTP/1.1
 * client gets it chunked (so the connection can stay open whatever the backend did), an HTTP/1.0 client gets it
 * delimited by closing. HTTP/2 clients need neither (the stream codec drops connection headers).
 */
final class ResponseHeads {
    private ResponseHeads() {
    }

    /**
     * Rewrites {@code r} in place.
     *
     * @param keepAlive whether the client connection may stay open as far as the request goes
     * @return whether it stays open after this response
     */
    static boolean prepare(HttpResponse r, Map<String, String> addHeaders, @Nullable String setCookie, boolean http2,
                           HttpMethod method, HttpVersion clientVersion, boolean keepAlive) {
        HttpHeaders h = r.headers();
        Forwarding.stripHopByHop(h, false);
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        addHeaders.forEach(h::set);
        if (setCookie != null) h.add(HttpHeaderNames.SET_COOKIE, setCookie);
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (http2) return true;
        int status = r.status().code();
        boolean bodyless = method.equals(HttpMethod.HEAD) || status == 204 || status == 304;
        if (!bodyless && !hasLength) {
            if (clientVersion.equals(HttpVersion.HTTP_1_0)) keepAlive = false;
            else HttpUtil.setTransferEncodingChunked(r, true);
        }
        LocalResponses.connectionHeader(r, clientVersion, keepAlive);
        return keepAlive;
    }
}
