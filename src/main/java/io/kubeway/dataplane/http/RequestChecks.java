package io.kubeway.dataplane.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests refused before routing. Netty's decoder (configured with RFC 9112 transfer-encoding rules and no
 * duplicate Content-Length) already fails requests with both Content-Length and Transfer-Encoding, several or
 * malformed Content-Lengths, a final coding other than chunked, or bare-LF line endings; this adds what it
 * lets through: a Transfer-Encoding other than exactly {@code chunked} (so {@code gzip, chunked}, which a backend
 * may read differently), a missing or repeated Host on HTTP/1.1, a request-target that is neither origin- nor
 * absolute-form, and CONNECT. Also refused: a request-target with a control byte (C0, DEL), a space or a byte
 * >= 0x80, as nginx (>= 1.21.1) and Envoy refuse them: a backend may cut {@code /admin\0} to {@code /admin}
 * after routing allowed it, or log and parse such bytes its own way; and an HTTP/1 connection announcing another
 * major version (505).
 *
 * <p>{@link #dropUnderscoreNames} removes header names with an underscore (nginx's {@code underscores_in_headers
 * off}): CGI-style backends map {@code X_User} and {@code X-User} to the same variable, so one could pose as the
 * other past a proxy that checks only the dashed name.
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
        if (!http2) {
            HttpVersion v = req.protocolVersion();
            if (!"HTTP".equals(v.protocolName())) return new Rejection(400, "not an HTTP request line");
            if (v.majorVersion() != 1) return new Rejection(505, "HTTP/" + v.majorVersion() + " on an HTTP/1 connection");
        }
        if (!cleanTarget(req.uri())) return new Rejection(400, "control, space or non-ASCII byte in the request-target");
        if (req.method().equals(HttpMethod.CONNECT)) return new Rejection(405, "CONNECT is not supported");
        if (http2) {
            // :authority becomes Host; a Host header besides it would reach an HTTP/1.1 backend twice.
            if (req.headers().getAll(HttpHeaderNames.HOST).size() > 1) return new Rejection(400, "more than one Host");
        } else {
            // contains first: getAll allocates a list even for an absent header
            List<String> te = req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                    ? req.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
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

    /** Whether every char is visible ASCII (0x21-0x7E), as RFC 3986 requires of a URI (other bytes percent-encoded). */
    static boolean cleanTarget(String uri) {
        for (int i = 0, n = uri.length(); i < n; i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7F) return false;
        }
        return true;
    }

    /**
     * Fields a request trailer must not carry (RFC 9110 section 6.5.1: framing, routing, authentication, request
     * modifiers, content description), and the ones this proxy sets in the head: a backend that merges trailers
     * into the headers would otherwise take a client's {@code Host} or {@code X-Forwarded-For} from the trailer.
     * Netty's decoder already drops Content-Length, Transfer-Encoding and Trailer.
     */
    private static final Set<AsciiString> NOT_IN_TRAILERS = Set.of(HttpHeaderNames.HOST, HttpHeaderNames.AUTHORIZATION,
            HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.COOKIE, HttpHeaderNames.CONTENT_ENCODING,
            HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_RANGE, HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.TRAILER, HttpHeaderNames.EXPECT, HttpHeaderNames.RANGE,
            HttpHeaderNames.TE, HttpHeaderNames.MAX_FORWARDS, HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.PRAGMA,
            HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, Forwarding.X_FORWARDED_FOR, Forwarding.X_FORWARDED_HOST,
            Forwarding.X_FORWARDED_PROTO, Forwarding.X_FORWARDED_PORT, Forwarding.X_REAL_IP, Forwarding.X_REQUEST_ID);

    /** Drops trailer fields a backend must not see there, and names with underscores unless allowed. */
    static void cleanTrailers(HttpHeaders trailers, boolean underscoresAllowed) {
        List<String> drop = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = trailers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (NOT_IN_TRAILERS.contains(AsciiString.of(name).toLowerCase())
                    || !underscoresAllowed && AsciiString.indexOf(name, '_', 0) >= 0) {
                if (drop == null) drop = new ArrayList<>(2);
                drop.add(name.toString());
            }
        }
        if (drop != null) drop.forEach(trailers::remove);
    }

    /** Removes every header whose name has an underscore; allocates only when there is one. */
    static void dropUnderscoreNames(HttpHeaders headers) {
        List<String> drop = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (AsciiString.indexOf(name, '_', 0) >= 0) {
                if (drop == null) drop = new ArrayList<>(2);
                drop.add(name.toString());
            }
        }
        if (drop != null) drop.forEach(headers::remove);
    }
}
