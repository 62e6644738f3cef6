package io.kubeway.state.http.routing;

import org.jspecify.annotations.Nullable;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ingress-nginx's {@code rewrite-target}: nginx's {@code rewrite "(?i)<path>" <target> break;}. When the route's
 * path (as a case-insensitive regular expression) matches the normalised request path, the whole path becomes the
 * target with {@code $1..$9} replaced by the capture groups (an unmatched group is empty); a {@code $} not
 * followed by a digit is kept. As in nginx, the request's query string is appended; a target with its own
 * {@code ?args} gets the original ones after {@code &}, and a target ending in {@code ?} drops them. The result
 * is percent-encoded where a path needs it.
 */
final class Rewrite {
    private final Pattern pattern;
    private final String pathTemplate;
    private final @Nullable String argsTemplate;

    Rewrite(Pattern pattern, String target) {
        this.pattern = pattern;
        int q = target.indexOf('?');
        this.pathTemplate = q < 0 ? target : target.substring(0, q);
        this.argsTemplate = q < 0 ? null : target.substring(q + 1);
    }

    /** The upstream path and query for a request. */
    String apply(String normalizedPath, String rawPath, @Nullable String query) {
        Matcher m = pattern.matcher(normalizedPath);
        if (!m.lookingAt()) return withQuery(rawPath, query);
        String path = substitute(pathTemplate, m);
        if (!path.startsWith("/")) path = "/" + path;
        path = RequestPaths.encode(path);
        if (argsTemplate == null) return withQuery(path, query);
        if (argsTemplate.isEmpty()) return path;
        String args = substitute(argsTemplate, m);
        return query == null || query.isEmpty() ? path + "?" + args : path + "?" + args + "&" + query;
    }

    static String withQuery(String path, @Nullable String query) {
        return query == null ? path : path + "?" + query;
    }

    private static String substitute(String template, Matcher m) {
        if (template.indexOf('$') < 0) return template;
        StringBuilder sb = new StringBuilder(template.length() + 32);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '$' && i + 1 < template.length()) {
                char d = template.charAt(i + 1);
                if (d >= '1' && d <= '9') {
                    int group = d - '0';
                    if (group <= m.groupCount() && m.group(group) != null) sb.append(m.group(group));
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
