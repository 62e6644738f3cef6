package io.kubeway.dataplane.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Responses the proxy writes itself: the router's {@code Respond} decisions and its own errors. */
final class LocalResponses {
    private LocalResponses() {
    }

    /** {@code 502 Bad Gateway} and the like, as a short text body. */
    static String errorBody(int status) {
        return status + " " + HttpResponseStatus.valueOf(status).reasonPhrase() + "\n";
    }

    /**
     * @param head         the request was HEAD: Content-Length of the body, but no body
     * @param clientVersion HTTP/1.0 or 1.1 (ignored for HTTP/2)
     * @param keepAlive    whether the connection stays open afterwards (HTTP/1.x)
     */
    static FullHttpResponse build(int status, Map<String, String> headers, String body, boolean head, boolean http2,
                                  HttpVersion clientVersion, boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head || bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        headers.forEach((k, v) -> r.headers().set(k, v));
        boolean noBody = status == 204 || status == 304 || status < 200;
        if (!noBody) {
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
            if (bytes.length > 0 && !r.headers().contains(HttpHeaderNames.CONTENT_TYPE)) {
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
        }
        if (!http2) connectionHeader(r, clientVersion, keepAlive);
        return r;
    }

    /**
     * {@code Connection: close} when the connection ends after this response (said explicitly to HTTP/1.0 clients
     * too: the stand-in Netty uses for unparsable requests claims HTTP/1.0); HTTP/1.0 stays open only with
     * {@code Connection: keep-alive}.
     */
    static void connectionHeader(io.netty.handler.codec.http.HttpResponse r, HttpVersion clientVersion, boolean keepAlive) {
        if (!keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            r.headers().remove(HttpHeaderNames.CONNECTION);
        }
    }
}
