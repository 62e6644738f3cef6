package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * ingress-nginx's external authentication ({@code auth-url}): before a request is proxied, the HTTP engine sends a
 * subrequest with the original method (or {@code method}), URI and headers, without body, to {@code url}; a 2xx
 * answer lets the request through (with {@code responseHeaders} copied from the answer to the upstream request),
 * 401 and 403 go back to the client (401 becomes a redirect to {@code signin} when set), anything else, a failure
 * or a timeout is 500.
 *
 * @param url             the auth service's URL as written (for logs)
 * @param tls             https
 * @param host            the host to connect to: an IP literal or a DNS name, resolved without blocking
 * @param port            the port to connect to
 * @param authority       the {@code Host} header of the subrequest (nginx's {@code proxy_set_header Host})
 * @param pathAndQuery    the request target of the subrequest
 * @param method          {@code auth-method}, or null for the original request's method
 * @param signin          {@code auth-signin}: where a 401 is redirected, or null to answer 401
 * @param redirectParam   {@code auth-signin-redirect-param}, the query parameter naming the original URL
 *                        ({@code rd})
 * @param responseHeaders {@code auth-response-headers}: set on the upstream request from the auth answer, removed
 *                        from it when the answer lacks them (a client cannot supply them itself)
 * @param requestRedirect {@code auth-request-redirect}: the {@code X-Auth-Request-Redirect} header, or null for the
 *                        original request URI
 * @param alwaysSetCookie {@code auth-always-set-cookie}: the auth answer's {@code Set-Cookie} goes to the client on
 *                        every response (nginx's {@code add_header ... always}), the auth service's 401 and 403
 *                        included; otherwise only on a 2xx answer and nginx's {@code add_header} statuses
 * @param cache           {@code auth-cache-key} / {@code auth-cache-duration}: which answers are kept, or null
 * @param keepalive       {@code auth-keepalive*}: idle connections to the auth service kept for reuse, or null for a
 *                        new connection per call
 */
public record ExternalAuth(String url, boolean tls, String host, int port, String authority, String pathAndQuery,
                           @Nullable String method, @Nullable String signin, String redirectParam,
                           List<String> responseHeaders, @Nullable String requestRedirect, boolean alwaysSetCookie,
                           @Nullable AuthCachePolicy cache, @Nullable Keepalive keepalive) {
    /**
     * ingress-nginx's {@code auth-keepalive} (idle connections kept, per event loop here as per nginx worker there),
     * {@code auth-keepalive-requests} (calls per connection, default 1000) and {@code auth-keepalive-timeout} (idle
     * time, default 60 s).
     */
    public record Keepalive(int connections, int requests, Duration idle) {
        public Keepalive {
            if (connections < 1 || requests < 1) throw new IllegalArgumentException("connections and requests >= 1");
            requireNonNull(idle, "idle");
        }
    }

    /** Without {@code auth-always-set-cookie}. */
    public ExternalAuth(String url, boolean tls, String host, int port, String authority, String pathAndQuery,
                        @Nullable String method, @Nullable String signin, String redirectParam,
                        List<String> responseHeaders, @Nullable String requestRedirect) {
        this(url, tls, host, port, authority, pathAndQuery, method, signin, redirectParam, responseHeaders,
                requestRedirect, false, null, null);
    }

    public ExternalAuth {
        requireNonNull(url, "url");
        requireNonNull(host, "host");
        requireNonNull(authority, "authority");
        requireNonNull(pathAndQuery, "pathAndQuery");
        requireNonNull(redirectParam, "redirectParam");
        responseHeaders = List.copyOf(responseHeaders);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port);
    }

    public ExternalAuth withAlwaysSetCookie(boolean v) {
        return new ExternalAuth(url, tls, host, port, authority, pathAndQuery, method, signin, redirectParam,
                responseHeaders, requestRedirect, v, cache, keepalive);
    }

    public ExternalAuth withCache(@Nullable AuthCachePolicy c) {
        return new ExternalAuth(url, tls, host, port, authority, pathAndQuery, method, signin, redirectParam,
                responseHeaders, requestRedirect, alwaysSetCookie, c, keepalive);
    }

    public ExternalAuth withKeepalive(@Nullable Keepalive k) {
        return new ExternalAuth(url, tls, host, port, authority, pathAndQuery, method, signin, redirectParam,
                responseHeaders, requestRedirect, alwaysSetCookie, cache, k);
    }
}
