package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link Cors} policy compiled for requests: origin matching and the header sets to send. */
final class CorsRules {
    private final boolean any;
    private final List<OriginPattern> origins;
    private final Cors cors;
    private final Map<String, String> anyResponse;
    private final Map<String, String> anyPreflight;

    CorsRules(Cors cors) {
        this.cors = cors;
        this.any = cors.anyOrigin();
        this.origins = cors.allowOrigins().stream().filter(o -> !o.equals("*")).map(OriginPattern::of).toList();
        this.anyResponse = any ? headers("*", false) : Map.of();
        this.anyPreflight = any ? headers("*", true) : Map.of();
    }

    /** The value for {@code Access-Control-Allow-Origin}, or null when the request is not an allowed CORS request. */
    @Nullable String allowedOrigin(@Nullable String origin) {
        if (any) return "*";
        if (origin == null) return null;
        for (OriginPattern p : origins) {
            if (p.matches(origin)) return origin;
        }
        return null;
    }

    Map<String, String> responseHeaders(String allowedOrigin) {
        return any ? anyResponse : headers(allowedOrigin, false);
    }

    Map<String, String> preflightHeaders(String allowedOrigin) {
        return any ? anyPreflight : headers(allowedOrigin, true);
    }

    private Map<String, String> headers(String origin, boolean preflight) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Access-Control-Allow-Origin", origin);
        if (cors.allowCredentials()) h.put("Access-Control-Allow-Credentials", "true");
        h.put("Access-Control-Allow-Methods", cors.allowMethods());
        h.put("Access-Control-Allow-Headers", cors.allowHeaders());
        if (!cors.exposeHeaders().isEmpty()) h.put("Access-Control-Expose-Headers", cors.exposeHeaders());
        h.put("Access-Control-Max-Age", Long.toString(cors.maxAgeSeconds()));
        if (preflight) h.put("Content-Type", "text/plain charset=UTF-8");
        return Map.copyOf(h);
    }

    /** An allowed origin, case-insensitive; one {@code *} stands for one DNS label ({@code [A-Za-z0-9-]+}). */
    private record OriginPattern(String prefix, String suffix, boolean wildcard) {
        static OriginPattern of(String origin) {
            int star = origin.indexOf('*');
            return star < 0 ? new OriginPattern(origin, "", false)
                    : new OriginPattern(origin.substring(0, star), origin.substring(star + 1), true);
        }

        boolean matches(String o) {
            if (!wildcard) return o.equalsIgnoreCase(prefix);
            int middle = o.length() - prefix.length() - suffix.length();
            if (middle < 1 || !o.regionMatches(true, 0, prefix, 0, prefix.length())
                    || !o.regionMatches(true, o.length() - suffix.length(), suffix, 0, suffix.length())) {
                return false;
            }
            for (int i = prefix.length(); i < prefix.length() + middle; i++) {
                char c = o.charAt(i);
                boolean ok = c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!ok) return false;
            }
            return true;
        }
    }
}
