package io.kubeway.translate.ingress;

import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * An Ingress's annotations under {@code nginx.ingress.kubernetes.io/} and {@code kubeway.io/} (the latter wins
 * when both are set), read by short name with typed getters. A value that does not parse gives a Warning
 * naming the annotation, and the getter answers as if the annotation were absent. Names under those prefixes
 * that Kubeway does not know are reported by {@link #reportUnsupported}.
 */
final class AnnotationReader {
    static final String NGINX = "nginx.ingress.kubernetes.io/";
    static final String KUBEWAY = "kubeway.io/";
    static final String INVALID = "InvalidAnnotation";
    static final String UNSUPPORTED = "UnsupportedAnnotation";

    private static final Pattern INT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

    /** short name -> full key that provides it (kubeway.io/ if present, else nginx.ingress.kubernetes.io/). */
    private final Map<String, String> keys = new TreeMap<>();
    private final Map<String, String> annotations;
    private final ObjectRef object;
    private final @Nullable String source;
    private final List<Problem> problems;

    AnnotationReader(@Nullable Map<String, String> annotations, ObjectRef object, @Nullable String source,
                     List<Problem> problems) {
        this.annotations = annotations == null ? Map.of() : annotations;
        this.object = object;
        this.source = source;
        this.problems = problems;
        for (String key : new TreeMap<>(this.annotations).keySet()) {
            if (key.startsWith(NGINX)) keys.putIfAbsent(key.substring(NGINX.length()), key);
        }
        for (String key : this.annotations.keySet()) {
            if (key.startsWith(KUBEWAY)) keys.put(key.substring(KUBEWAY.length()), key);
        }
    }

    /**
     * Warns once for each annotation under our prefixes whose short name is not {@code handled} (supported, or
     * reported elsewhere).
     */
    void reportUnsupported(Predicate<String> handled) {
        for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
            String key = e.getKey();
            String name = key.startsWith(NGINX) ? key.substring(NGINX.length())
                    : key.startsWith(KUBEWAY) ? key.substring(KUBEWAY.length()) : null;
            if (name != null && !handled.test(name)) {
                warn(UNSUPPORTED, "annotation " + key + " is not supported by kubeway; ignored");
            }
        }
    }

    /** The short names present under either prefix, sorted. */
    Set<String> names() {
        return java.util.Collections.unmodifiableSet(keys.keySet());
    }

    boolean has(String name) {
        return keys.containsKey(name);
    }

    /** The full key in effect for a short name, for messages. */
    String key(String name) {
        return keys.getOrDefault(name, NGINX + name);
    }

    /** The value, stripped of surrounding whitespace; null when absent. */
    @Nullable String string(String name) {
        String key = keys.get(name);
        return key == null ? null : annotations.get(key).strip();
    }

    /** Go's {@code strconv.ParseBool}; {@code dflt} when absent or invalid. */
    boolean bool(String name, boolean dflt) {
        String v = string(name);
        if (v == null) return dflt;
        Boolean b = goBool(v);
        if (b == null) {
            invalid(name, v, "must be \"true\" or \"false\"");
            return dflt;
        }
        return b;
    }

    /** Go's {@code strconv.ParseBool}, as ingress-nginx reads annotations and ConfigMap values; null if neither. */
    static @Nullable Boolean goBool(String v) {
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> null;
        };
    }

    /** Go's {@code strconv.Atoi} within {@code [min, max]}; null when absent or invalid. */
    @Nullable Long integer(String name, long min, long max) {
        String v = string(name);
        if (v == null) return null;
        if (!INT.matcher(v).matches() || v.length() > 19) {
            invalid(name, v, "must be an integer");
            return null;
        }
        long n = Long.parseLong(v);
        if (n < min || n > max) {
            invalid(name, v, max == Long.MAX_VALUE ? "must be at least " + min
                    : "must be between " + min + " and " + max);
            return null;
        }
        return n;
    }

    /** An nginx size ({@code 0}, {@code 512}, {@code 8k}, {@code 8m}, {@code 1g}) in bytes; null if absent or bad. */
    @Nullable Long size(String name) {
        String v = string(name);
        if (v == null) return null;
        Long bytes = sizeOf(v);
        if (bytes == null) invalid(name, v, "must be a size such as 512, 8k, 8m or 1g");
        return bytes;
    }

    /** An nginx size in bytes, or null when {@code v} is not one. */
    static @Nullable Long sizeOf(String v) {
        var m = SIZE.matcher(v);
        if (!m.matches() || m.group(1).length() > 15) return null;
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(m.group(1)) * unit;
    }

    /** A value without control characters (it ends up in headers or paths); null when absent or invalid. */
    @Nullable String text(String name) {
        String v = string(name);
        if (v == null) return null;
        if (v.isEmpty() || v.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            invalid(name, v, "must be a non-empty value without control characters");
            return null;
        }
        return v;
    }

    void invalid(String name, String value, String why) {
        warn(INVALID, "annotation " + key(name) + ": invalid value \"" + value + "\": " + why + "; ignored");
    }

    void warn(String reason, String message) {
        problems.add(Problem.warning(object, source, reason, message));
    }
}
