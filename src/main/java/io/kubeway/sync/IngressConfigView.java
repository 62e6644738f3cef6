package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.kubeway.translate.ingress.ControllerConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The controller ConfigMap's effect as the admin API shows it ({@code /apis/kubeway.io/v1/ingressconfigs},
 * {@code kubeway get ingressconfig}): one {@code IngressConfig} per key, named by the key, with the value in
 * effect, its status ({@code applied}, {@code default}, {@code last-good}, {@code failed-closed},
 * {@code not-applied}) and why.
 */
final class IngressConfigView {
    private IngressConfigView() {
    }

    /** In the order of {@link ControllerConfig#settings()}: the applied keys, then those not applied. */
    static List<GenericKubernetesResource> of(ControllerConfig config) {
        if (config.name() == null) return List.of();
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (ControllerConfig.Setting s : config.settings()) {
            GenericKubernetesResource r = new GenericKubernetesResource();
            r.setApiVersion("kubeway.io/v1");
            r.setKind("IngressConfig");
            r.setMetadata(new ObjectMetaBuilder().withName(s.key()).build());
            r.setAdditionalProperty("configMap", config.name().toString());
            r.setAdditionalProperty("value", s.value());
            r.setAdditionalProperty("status", s.status());
            if (!s.note().isEmpty()) r.setAdditionalProperty("note", s.note());
            out.add(r);
        }
        return List.copyOf(out);
    }
}
