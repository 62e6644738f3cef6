package io.kubeway.core;

import java.util.List;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Something wrong with one object: which object, where it came from (a file path, or null), a short
 * CamelCase reason (as in a Kubernetes Event) and the message. Errors are data: a Problem excludes only
 * the object it names, and becomes a Warning event and a log line.
 */
public record Problem(ObjectRef object, String source, String reason, String message, boolean warning) {
    public Problem {
        requireNonNull(object, "object");
        requireNonNull(reason, "reason");
        requireNonNull(message, "message");
    }

    public static Problem warning(ObjectRef object, String source, String reason, String message) {
        return new Problem(object, source, reason, message, true);
    }

    public static Problem normal(ObjectRef object, String reason, String message) {
        return new Problem(object, null, reason, message, false);
    }

    /**
     * The API server's rejection message: {@code Service "web" is invalid: [err1, err2]}
     * (a single error without brackets).
     */
    public static Problem invalid(ObjectRef object, String source, List<FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).message()
                : errors.stream().map(FieldError::message).collect(Collectors.joining(", ", "[", "]"));
        return warning(object, source, "Invalid", object.kind() + " \"" + object.name() + "\" is invalid: " + detail);
    }

    public Problem withSource(String newSource) {
        return new Problem(object, newSource, reason, message, warning);
    }

    /** One log line: object, file, reason and message. */
    public String logLine() {
        boolean showSource = source != null && !source.equals(object.name());
        return object + (showSource ? " (" + source + ")" : "") + ": " + reason + ": " + message;
    }
}
