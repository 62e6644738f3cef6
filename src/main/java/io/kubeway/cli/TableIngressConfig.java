package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubeway's IngressConfig columns (the controller ConfigMap, one row per key): NAME (the key) VALUE STATUS;
 * -o wide adds CONFIGMAP and NOTE (why a key is not applied, or why its value was refused).
 */
final class TableIngressConfig implements TableColumns<GenericKubernetesResource> {
    @Override
    public List<String> headers(boolean wide) {
        List<String> h = new ArrayList<>(List.of("NAME", "VALUE", "STATUS"));
        if (wide) h.addAll(List.of("CONFIGMAP", "NOTE"));
        return h;
    }

    @Override
    public List<String> row(GenericKubernetesResource o, boolean wide, Instant now) {
        List<String> row = new ArrayList<>(List.of(o.getMetadata().getName(), text(o, "value"), text(o, "status")));
        if (wide) row.addAll(List.of(text(o, "configMap"), text(o, "note")));
        return row;
    }

    private static String text(GenericKubernetesResource o, String field) {
        Object v = o.getAdditionalProperties().get(field);
        String s = v == null ? "" : v.toString();
        return s.isEmpty() ? "<none>" : s;
    }
}
