package io.kubeway.admin;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A URL path template such as {@code /api/v1/namespaces/{namespace}/services/{name}}: literal segments must
 * match exactly, {@code {variable}} segments match any one non-empty segment and are captured.
 */
record PathPattern(String template, List<String> segments) {

    PathPattern {
        requireNonNull(template, "template");
        segments = List.copyOf(segments);
    }

    static PathPattern of(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with '/': " + template);
        }
        return new PathPattern(template, split(template));
    }

    /** The captured variables if {@code path} matches, in template order. */
    Optional<Map<String, String>> match(String path) {
        List<String> actual = split(path);
        if (actual.size() != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            String want = segments.get(i);
            String got = actual.get(i);
            if (isVariable(want)) {
                if (got.isEmpty()) {
                    return Optional.empty();
                }
                vars.put(want.substring(1, want.length() - 1), got);
            } else if (!want.equals(got)) {
                return Optional.empty();
            }
        }
        return Optional.of(vars);
    }

    private static boolean isVariable(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    // "/a//b/" splits to [a, "", b, ""]: empty segments are kept so that sloppy paths do not match by accident
    private static List<String> split(String path) {
        if (!path.startsWith("/")) {
            return List.of("");
        }
        return Arrays.asList(path.substring(1).split("/", -1));
    }

    @Override
    public String toString() {
        return template;
    }
}
