package io.kubeway.dataplane.http;

import io.kubeway.state.http.RouteDecision.Forward;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The request ingress-nginx's error page location ({@code @custom_<upstream>_<code>}) sends to the error backend
 * when an answer's status is in {@code custom-http-errors}: the client's method and headers (the body is not
 * sent again), the path {@code /} ({@code rewrite (.*) / break}), and {@code X-Code}, {@code X-Format} (the
 * client's {@code Accept}), {@code X-Original-URI}, {@code X-Namespace}, {@code X-Ingress-Name},
 * {@code X-Service-Name}, {@code X-Service-Port} and {@code X-Request-ID}. The error backend's answer goes to the
 * client as it is, status included (nginx's {@code error_page ... = @location}).
 */
final class ErrorPage {
    private ErrorPage() {
    }

    /**
     * The head for the error backend, from the head meant for the route's backend ({@code forwarded}, whose
     * X-Forwarded-* and Host are already set).
     *
     * @param accept the client's {@code Accept}, or null
     */
    static HttpRequest head(HttpRequest forwarded, Forward route, int code, String originalUri, String requestId,
                            String accept) {
        HttpHeaders h = forwarded.headers().copy();
        boolean body = h.contains(HttpHeaderNames.CONTENT_LENGTH) || h.contains(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        if (body) h.set(HttpHeaderNames.CONTENT_LENGTH, "0");
        h.remove(HttpHeaderNames.EXPECT);
        h.remove(HttpHeaderNames.UPGRADE); // a WebSocket request's error page is a plain request
        h.remove(HttpHeaderNames.CONNECTION);
        h.set("X-Code", Integer.toString(code));
        if (accept != null && !accept.isEmpty()) h.set("X-Format", accept);
        else h.remove("X-Format");
        h.set("X-Original-URI", originalUri);
        // The cluster is named ns/service:port[/PROTOCOL]; the ingress ns/name.
        String cluster = route.cluster().name();
        int slash = cluster.indexOf('/');
        int colon = cluster.indexOf(':', slash + 1);
        int end = cluster.indexOf('/', colon + 1);
        if (slash > 0 && colon > slash) {
            h.set("X-Namespace", cluster.substring(0, slash));
            h.set("X-Service-Name", cluster.substring(slash + 1, colon));
            h.set("X-Service-Port", cluster.substring(colon + 1, end < 0 ? cluster.length() : end));
        }
        String ingress = route.ingress();
        int s = ingress == null ? -1 : ingress.indexOf('/');
        if (s > 0) h.set("X-Ingress-Name", ingress.substring(s + 1));
        h.set(Forwarding.X_REQUEST_ID, requestId);
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, forwarded.method(), "/", h);
    }
}
