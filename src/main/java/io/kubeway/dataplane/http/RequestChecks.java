package io.kubeway.dataplane.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * Requests refused before routing. Netty's decoder (configured with RFC 9112 transfer-encoding rules and no
 * duplicate Content-Length) already fails requests with both Content-Length and Transfer-Encoding, several or
 * malformed Content-Lengths, a final coding other than chunked, or bare-LF line endings; this adds what it
 * lets through: a Transfer-Encoding other than exactly {@code chunked} (so {@code gzip, chunked}, which a backend
 * may read differently), a missing or repeated Host on HTTP/1.1, a request-target that is neither origin- nor
 * absolute-form, and CONNECT.
 */
final class RequestChecks {
    /** Why a request is refused. */
    record Rejection(int status, String reason) {}

    private RequestChecks() {
    }

    /** Null if the request may be routed. {@code http2}: the head came from an HTTP/2 stream (already framed). */
    static @Nullable Rejection check(HttpRequest req, boolean http2) {
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) return new Rejection(414, "request line too long");
            if (cause instanceof TooLongHttpHeaderException) return new Rejection(431, "request headers too large");
            return new Rejection(400, "malformed request: " + cause.getMessage());
        }
        if (req.method().equals(HttpMethod.CONNECT)) return new Rejection(405, "CONNECT is not supported");
        if (http2) {
            // :authority becomes Host; a Host header besides it would reach an HTTP/1.1 backend twice.
            if (req.headers().getAll(HttpHeaderNames.HOST).size() > 1) return new Rejection(400, "more than one Host");
        } else {
            List<String> te = req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (!te.isEmpty() && (te.size() != 1 || !te.getFirst().trim().equalsIgnoreCase("chunked"))) {
                return new Rejection(400, "unsupported transfer-encoding");
            }
            List<String> host = req.headers().getAll(HttpHeaderNames.HOST);
            if (host.size() > 1) return new Rejection(400, "more than one Host header");
            if (host.isEmpty() && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                return new Rejection(400, "HTTP/1.1 request without Host");
            }
        }
        return null;
    }
}
