package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path routes are matched against, made the way nginx makes {@code $uri} from the request line:
 * percent-escapes decoded, runs of slashes merged, {@code .} and {@code ..} segments resolved. Matching on the
 * normalised path is what keeps {@code /public/../admin} from slipping past a rule for {@code /admin}. The
 * request itself is forwarded as received (unless rewritten).
 */
final class RequestPaths {
    private RequestPaths() {
    }

    /**
     * The normalised path, the same instance when nothing needed doing (the common case allocates nothing), or
     * null when the path is malformed: not starting with {@code /}, a bad escape, an escaped NUL, or {@code ..}
     * above the root (nginx answers 400).
     */
    static @Nullable String normalize(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') return null;
        if (isNormal(raw)) return raw;
        String decoded = decode(raw);
        return decoded == null ? null : resolve(decoded);
    }

    private static boolean isNormal(String p) {
        int n = p.length();
        for (int i = 0; i < n; i++) {
            char c = p.charAt(i);
            if (c == '%') return false;
            if (c == '/' && i + 1 < n) {
                char d = p.charAt(i + 1);
                if (d == '/') return false;
                if (d == '.' && (i + 2 == n || p.charAt(i + 2) == '/'
                        || (p.charAt(i + 2) == '.' && (i + 3 == n || p.charAt(i + 3) == '/')))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static @Nullable String decode(String raw) {
        if (raw.indexOf('%') < 0) return raw;
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            if (i + 2 >= bytes.length) return null;
            int hi = Character.digit(bytes[i + 1], 16);
            int lo = Character.digit(bytes[i + 2], 16);
            if (hi < 0 || lo < 0) return null;
            int v = hi * 16 + lo;
            if (v == 0) return null;
            out.write(v);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static @Nullable String resolve(String p) {
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = p.split("/", -1);
        boolean trailingSlash = false;
        for (int i = 1; i < parts.length; i++) {
            String s = parts[i];
            boolean last = i == parts.length - 1;
            switch (s) {
                case "", "." -> trailingSlash = last;
                case ".." -> {
                    if (segments.isEmpty()) return null;
                    segments.removeLast();
                    trailingSlash = last;
                }
                default -> {
                    segments.addLast(s);
                    trailingSlash = false;
                }
            }
        }
        StringBuilder sb = new StringBuilder(p.length());
        for (String s : segments) sb.append('/').append(s);
        if (trailingSlash || sb.isEmpty()) sb.append('/');
        return sb.toString();
    }

    /**
     * Percent-encodes what may not appear raw in a request path: everything but RFC 3986 unreserved characters,
     * sub-delimiters, {@code :}, {@code @} and {@code /}. Used for rewritten paths, which are built from the
     * decoded path, as nginx escapes a rewritten URI before proxying it.
     */
    static String encode(String path) {
        boolean clean = true;
        for (int i = 0; i < path.length() && clean; i++) clean = isPathChar(path.charAt(i));
        if (clean) return path;
        StringBuilder sb = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && isPathChar(c)) {
                sb.append(c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static boolean isPathChar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
        return "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    /** Element-wise prefix match of a normalised path against a prefix key (no trailing slash but for "/"). */
    static boolean prefixMatches(String path, String key) {
        if (key.length() == 1) return true; // "/"
        return path.startsWith(key) && (path.length() == key.length() || path.charAt(key.length()) == '/');
    }
}
