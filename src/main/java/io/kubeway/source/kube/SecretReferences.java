package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.kubeway.core.NamespacedName;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Secrets an Ingress names: {@code spec.tls[].secretName} (its own namespace), and the Secret-valued
 * ingress-nginx annotations ({@code auth-secret}, {@code auth-tls-secret}, {@code proxy-ssl-secret}: {@code name}
 * or {@code namespace/name}) under either prefix.
 */
final class SecretReferences {
    private static final String[] PREFIXES = {"nginx.ingress.kubernetes.io/", "kubeway.io/"};
    private static final String[] ANNOTATIONS = {"auth-secret", "auth-tls-secret", "proxy-ssl-secret"};

    private SecretReferences() {
    }

    static Set<NamespacedName> of(Ingress ingress) {
        String ns = ingress.getMetadata().getNamespace();
        Set<NamespacedName> out = new TreeSet<>();
        if (ingress.getSpec() != null && ingress.getSpec().getTls() != null) {
            for (IngressTLS tls : ingress.getSpec().getTls()) {
                if (tls != null && tls.getSecretName() != null && !tls.getSecretName().isEmpty()) {
                    out.add(new NamespacedName(ns, tls.getSecretName()));
                }
            }
        }
        Map<String, String> annotations = ingress.getMetadata().getAnnotations();
        if (annotations != null) {
            for (String prefix : PREFIXES) {
                for (String name : ANNOTATIONS) {
                    String value = annotations.get(prefix + name);
                    if (value != null) {
                        reference(ns, value.strip(), out);
                    }
                }
            }
        }
        return out;
    }

    private static void reference(String ns, String value, Set<NamespacedName> out) {
        int slash = value.indexOf('/');
        if (value.isEmpty() || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
            return; // not a Secret name; the Ingress translation reports the bad annotation
        }
        // "name" and "/name" are the Ingress's own namespace, as the translation reads them
        out.add(slash <= 0 ? new NamespacedName(ns, value.substring(slash + 1))
                : new NamespacedName(value.substring(0, slash), value.substring(slash + 1)));
    }
}
