package io.kubeway.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One validation error on one field, worded as the Kubernetes API server words it
 * ({@code k8s.io/apimachinery/pkg/util/validation/field}), for example
 * {@code spec.ports[1].name: Required value} or
 * {@code spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive}.
 */
public record FieldError(Type type, String field, Object badValue, String detail) {
    public enum Type {
        REQUIRED("Required value"),
        INVALID("Invalid value"),
        DUPLICATE("Duplicate value"),
        FORBIDDEN("Forbidden"),
        NOT_SUPPORTED("Unsupported value"),
        NOT_FOUND("Not found"),
        TOO_MANY("Too many"),
        TOO_LONG("Too long"),
        INTERNAL("Internal error");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError duplicate(String field, Object value) {
        return new FieldError(Type.DUPLICATE, field, value, "");
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, null, detail);
    }

    public static FieldError notSupported(String field, Object value, List<String> supported) {
        String detail = supported.isEmpty() ? "" : "supported values: "
                + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", "));
        return new FieldError(Type.NOT_SUPPORTED, field, value, detail);
    }

    /** The error as the API server prints it. */
    public String message() {
        StringBuilder sb = new StringBuilder(field).append(": ").append(type.text());
        boolean showValue = switch (type) {
            case INVALID, DUPLICATE, NOT_SUPPORTED -> true;
            default -> false;
        };
        if (showValue) {
            sb.append(": ").append(render(badValue));
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        return sb.toString();
    }

    private static String render(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return "\"" + s + "\"";
        if (v instanceof List<?> l) {
            return "[]string{" + l.stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(", ")) + "}";
        }
        return Objects.toString(v);
    }

    @Override
    public String toString() {
        return message();
    }
}
