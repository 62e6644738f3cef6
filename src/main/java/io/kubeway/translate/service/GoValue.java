package io.kubeway.translate.service;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A bad value that the API server prints with Go's {@code %#v} (slices and structs), kept as the exact
 * text: {@link io.kubeway.core.FieldError} prints any non-String, non-List value with {@code toString}.
 */
record GoValue(String text) {
    /** {@code []string{"a", "b"}}, or {@code []string(nil)} for an empty slice. */
    static GoValue strings(List<String> values) {
        return slice("string", values);
    }

    /** {@code []core.IPFamily{"IPv4"}}: ipFamilies is a slice of a named string type. */
    static GoValue ipFamilies(List<String> values) {
        return slice("core.IPFamily", values);
    }

    /**
     * The key of the duplicate-port check, a {@code core.ServicePort} holding only protocol and port,
     * as in {@code spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", ...}}.
     */
    static GoValue servicePortKey(String protocol, int port) {
        return new GoValue("core.ServicePort{Name:\"\", Protocol:" + quote(protocol)
                + ", AppProtocol:(*string)(nil), Port:" + port
                + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
    }

    private static GoValue slice(String type, List<String> values) {
        if (values.isEmpty()) {
            return new GoValue("[]" + type + "(nil)");
        }
        return new GoValue(values.stream().map(v -> quote(v == null ? "" : v))
                .collect(Collectors.joining(", ", "[]" + type + "{", "}")));
    }

    /** Go's {@code strconv.Quote}: C-style escapes, {@code \xNN} for other ASCII controls. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '\u0007' -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u000b' -> sb.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
