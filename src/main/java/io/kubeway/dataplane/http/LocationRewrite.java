package io.kubeway.dataplane.http;

import io.kubeway.state.http.ProxyRedirect;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Applies a route's {@code proxy-redirect-from}/{@code -to} ({@link ProxyRedirect}) to a backend's response head,
 * as nginx's {@code proxy_redirect} rewrites {@code Location} and {@code Refresh}. Only routes with the annotation
 * pay for it.
 */
final class LocationRewrite {
    private static final AsciiString REFRESH = AsciiString.cached("refresh");

    private LocationRewrite() {
    }

    static void apply(HttpHeaders h, ProxyRedirect redirect) {
        String location = h.get(HttpHeaderNames.LOCATION);
        if (location != null) {
            String v = redirect.location(location);
            if (v != null) h.set(HttpHeaderNames.LOCATION, v);
        }
        String refresh = h.get(REFRESH);
        if (refresh != null) {
            String v = redirect.refresh(refresh);
            if (v != null) h.set(REFRESH, v);
        }
    }
}
