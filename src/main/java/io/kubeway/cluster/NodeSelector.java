package io.kubeway.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Kubernetes label selector ({@code matchLabels} and {@code matchExpressions} with In, NotIn, Exists,
 * DoesNotExist), as metav1.LabelSelector matches: every requirement must hold.
 */
record NodeSelector(Map<String, String> matchLabels, List<Expression> expressions) {
    record Expression(String key, String operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
        }
    }

    boolean matches(Map<String, String> labels) {
        for (var e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) return false;
        }
        for (Expression x : expressions) {
            if (!x.matches(labels)) return false;
        }
        return true;
    }

    /** Null when the object is not a selector this code understands (an unknown operator, a wrong type). */
    static NodeSelector parse(Object o) {
        if (!(o instanceof Map<?, ?> m)) return null;
        Map<String, String> labels = new java.util.TreeMap<>();
        if (m.get("matchLabels") instanceof Map<?, ?> ml) {
            for (var e : ml.entrySet()) {
                if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String v)) return null;
                labels.put(k, v);
            }
        } else if (m.get("matchLabels") != null) {
            return null;
        }
        List<Expression> exprs = new ArrayList<>();
        if (m.get("matchExpressions") instanceof List<?> list) {
            for (Object x : list) {
                if (!(x instanceof Map<?, ?> xm) || !(xm.get("key") instanceof String key)
                        || !(xm.get("operator") instanceof String op)
                        || !Set.of("In", "NotIn", "Exists", "DoesNotExist").contains(op)) {
                    return null;
                }
                Set<String> values = new TreeSet<>();
                if (xm.get("values") instanceof List<?> vs) {
                    for (Object v : vs) if (v instanceof String s) values.add(s);
                }
                exprs.add(new Expression(key, op, values));
            }
        } else if (m.get("matchExpressions") != null) {
            return null;
        }
        return new NodeSelector(Map.copyOf(labels), List.copyOf(exprs));
    }
}
