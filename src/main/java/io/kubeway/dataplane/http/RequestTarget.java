package io.kubeway.dataplane.http;

import org.jspecify.annotations.Nullable;

/**
 * A request-target split for routing: the path (dot segments removed), the raw query, and for absolute-form
 * targets ({@code GET http://host/path}) the authority, which then replaces the Host header (RFC 9112 section
 * 3.2.2).
 *
 * <p>Why dot segments are removed: a backend resolves {@code /api/../admin} to {@code /admin}, so routing on the
 * raw text would let {@code Prefix /api} rules reach {@code /admin}. nginx matches locations on its normalised
 * URI for the same reason. Percent-encoded dots ({@code %2e}) count as dots; nothing else is decoded.
 */
record RequestTarget(String path, @Nullable String query, @Nullable String authority) {

    /** The parsed target, or null if it is neither origin-form nor http(s) absolute-form. */
    static @Nullable RequestTarget parse(String uri) {
        if (uri.isEmpty()) return null;
        String authority = null;
        String rest = uri;
        if (uri.charAt(0) != '/') {
            int schemeEnd = uri.indexOf("://");
            if (schemeEnd <= 0) return null;
            String scheme = uri.substring(0, schemeEnd);
            if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) return null;
            int start = schemeEnd + 3;
            int end = start;
            while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') end++;
            authority = uri.substring(start, end);
            if (authority.isEmpty() || authority.indexOf('@') >= 0) return null;
            rest = end == uri.length() ? "/" : uri.charAt(end) == '?' ? "/" + uri.substring(end) : uri.substring(end);
        }
        int hash = rest.indexOf('#');
        if (hash >= 0) rest = rest.substring(0, hash);
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        return new RequestTarget(removeDotSegments(path), query, authority);
    }

    /** RFC 3986 section 5.2.4 on an absolute path; {@code %2e} is a dot. Never climbs above the root. */
    static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0 && path.indexOf('%') < 0) return path;
        String[] segments = path.split("/", -1);
        String[] out = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            int dots = dots(s);
            if (dots == 1) {
                trailingSlash = last;
            } else if (dots == 2) {
                if (n > 0) n--;
                trailingSlash = last;
            } else {
                out[n++] = s;
                trailingSlash = false;
            }
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) sb.append('/').append(out[i]);
        if (trailingSlash || sb.isEmpty()) sb.append('/');
        return sb.toString();
    }

    /** 1 for a {@code .} segment, 2 for {@code ..} (either possibly as {@code %2e}), else 0. */
    private static int dots(String s) {
        int count = 0;
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '.') {
                i++;
            } else if (s.regionMatches(true, i, "%2e", 0, 3)) {
                i += 3;
            } else {
                return 0;
            }
            if (++count > 2) return 0;
        }
        return count;
    }
}
