package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static java.util.Objects.requireNonNull;

/**
 * How a route's path is compared with the request path (after normalisation: percent-decoding, merged slashes,
 * resolved dot segments, as nginx matches locations).
 *
 * <ul>
 *   <li>{@link Kind#EXACT}: case-sensitive equality.</li>
 *   <li>{@link Kind#PREFIX}: element-wise, case-sensitive: {@code /foo} matches {@code /foo}, {@code /foo/} and
 *       {@code /foo/bar}, never {@code /foobar}; trailing slashes of the rule are ignored and {@code /} matches
 *       every path.</li>
 *   <li>{@link Kind#REGEX}: ingress-nginx's {@code location ~* "^<path>"}: a case-insensitive regular expression
 *       anchored at the start of the path only, so it matches as a prefix. RE2's {@code (?P<name>...)} groups are
 *       accepted.</li>
 * </ul>
 *
 * @param path as written in the Ingress (reported in metrics and access logs)
 */
public record PathMatch(Kind kind, String path) {
    /** The three ways of matching. */
    public enum Kind {
        EXACT("Exact"), PREFIX("Prefix"), REGEX("Regex");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** As Kubernetes spells the path type ({@code Regex} for ImplementationSpecific under use-regex). */
        public String label() {
            return label;
        }
    }

    public PathMatch {
        requireNonNull(kind, "kind");
        requireNonNull(path, "path");
        if (kind != Kind.REGEX && !path.startsWith("/")) {
            throw new IllegalArgumentException(kind.label + " path must start with '/': " + path);
        }
        if (kind == Kind.REGEX) {
            String err = regexError(path);
            if (err != null) throw new IllegalArgumentException(err);
        }
    }

    public static PathMatch exact(String path) {
        return new PathMatch(Kind.EXACT, path);
    }

    public static PathMatch prefix(String path) {
        return new PathMatch(Kind.PREFIX, path);
    }

    public static PathMatch regex(String path) {
        return new PathMatch(Kind.REGEX, path);
    }

    /** Why {@code path} cannot be used as a regex path, or null if it can. */
    public static @Nullable String regexError(String path) {
        try {
            compile(path);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid regular expression " + quote(path) + ": " + e.getDescription();
        }
    }

    /** ingress-nginx's {@code ~* "^path"}: anchored at the start, case-insensitive. */
    static Pattern compile(String path) {
        return Pattern.compile("^" + path.replace("(?P<", "(?<"), Pattern.CASE_INSENSITIVE);
    }

    /** The path a prefix match compares with: trailing slashes removed, {@code /} kept. */
    public String prefixKey() {
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') end--;
        return path.substring(0, end);
    }

    /**
     * The length that orders routes: longest first. Prefix paths count without their trailing slash, so that
     * {@code /foo/} and {@code /foo} rank as the same path; regex paths count as written (ingress-nginx).
     */
    int precedenceLength() {
        return kind == Kind.PREFIX ? prefixKey().length() : path.length();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return kind.label + " " + path;
    }
}
