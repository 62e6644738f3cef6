package io.kubeway.state.http.routing;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * ingress-nginx's {@code enable-cors}. A request is a CORS request when the allowed origins are {@code *}, or
 * when its {@code Origin} header equals one of them (case-insensitive; one {@code *} in an origin stands for one
 * DNS label, as in {@code https://*.example.com}). A CORS {@code OPTIONS} request is answered 204 with the
 * preflight headers; other CORS requests are proxied and get the same headers added to the response.
 * {@code Access-Control-Allow-Origin} is {@code *} for the wildcard, else the request's origin.
 */
public record Cors(List<String> allowOrigins, String allowMethods, String allowHeaders, boolean allowCredentials,
                   String exposeHeaders, long maxAgeSeconds) {
    public static final String DEFAULT_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";
    public static final String DEFAULT_HEADERS = "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,"
            + "Cache-Control,Content-Type,Range,Authorization";
    public static final long DEFAULT_MAX_AGE = 1728000;
    /** ingress-nginx's defaults: every origin, credentials allowed. */
    public static final Cors DEFAULT = new Cors(List.of("*"), DEFAULT_METHODS, DEFAULT_HEADERS, true, "",
            DEFAULT_MAX_AGE);

    public Cors {
        allowOrigins = List.copyOf(allowOrigins);
        if (allowOrigins.isEmpty()) throw new IllegalArgumentException("no CORS origin");
        requireNonNull(allowMethods, "allowMethods");
        requireNonNull(allowHeaders, "allowHeaders");
        requireNonNull(exposeHeaders, "exposeHeaders");
    }

    boolean anyOrigin() {
        return allowOrigins.contains("*");
    }
}
