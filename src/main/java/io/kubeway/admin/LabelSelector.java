package io.kubeway.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The equality-based subset of Kubernetes label selectors: comma-separated requirements {@code k=v},
 * {@code k==v}, {@code k!=v}, {@code k} (exists) and {@code !k} (does not exist), all of which must hold.
 * As in Kubernetes, {@code k!=v} also matches objects without the label. Set-based requirements
 * ({@code in}, {@code notin}) are rejected rather than misread.
 */
record LabelSelector(List<Requirement> requirements) {

    /** Matches everything. */
    static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    // a qualified label key (optional DNS prefix + "/") or a label value, loosely: the API server validates
    // objects, here we only need to tell requirements apart from syntax we do not support
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?");

    LabelSelector {
        requirements = List.copyOf(requirements);
    }

    /**
     * Parses a selector; blank means everything.
     *
     * @throws IllegalArgumentException with an API-server-like message for unsupported or malformed syntax
     */
    static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> parsed = new ArrayList<>();
        for (String raw : selector.split(",", -1)) {
            parsed.add(requirement(raw.strip(), selector));
        }
        return new LabelSelector(parsed);
    }

    boolean matches(Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.matches(actual));
    }

    private static Requirement requirement(String text, String whole) {
        String[] ops = {"!=", "==", "="};
        for (String op : ops) {
            int at = text.indexOf(op);
            if (at >= 0) {
                String key = text.substring(0, at).strip();
                String value = text.substring(at + op.length()).strip();
                checkToken(key, whole);
                if (!value.isEmpty()) {
                    checkToken(value, whole);
                }
                return new Requirement(key, op.equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS, value);
            }
        }
        if (text.startsWith("!")) {
            String key = text.substring(1).strip();
            checkToken(key, whole);
            return new Requirement(key, Operator.DOES_NOT_EXIST, "");
        }
        checkToken(text, whole);
        return new Requirement(text, Operator.EXISTS, "");
    }

    private static void checkToken(String token, String whole) {
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("unable to parse requirement: unsupported label selector \""
                    + whole + "\" (supported: k=v, k==v, k!=v, k, !k, comma-separated)");
        }
    }

    enum Operator { EQUALS, NOT_EQUALS, EXISTS, DOES_NOT_EXIST }

    /** One requirement of a selector. */
    record Requirement(String key, Operator operator, String value) {
        boolean matches(Map<String, String> labels) {
            return switch (operator) {
                case EQUALS -> value.equals(labels.get(key));
                case NOT_EQUALS -> !value.equals(labels.get(key));
                case EXISTS -> labels.containsKey(key);
                case DOES_NOT_EXIST -> !labels.containsKey(key);
            };
        }
    }
}
