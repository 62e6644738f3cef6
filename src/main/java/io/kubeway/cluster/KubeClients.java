package io.kubeway.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubeway.ClusterSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The API server client: from {@code --kubeconfig}, or the pod's service account (in-cluster configuration:
 * KUBERNETES_SERVICE_HOST and the token mounted at /var/run/secrets/kubernetes.io/serviceaccount).
 */
public final class KubeClients {
    private KubeClients() {
    }

    public static KubernetesClient create(ClusterSettings cluster) {
        Config config;
        if (cluster.kubeconfig() != null) {
            try {
                config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + cluster.kubeconfig() + ": " + e.getMessage(), e);
            }
        } else {
            config = Config.autoConfigure(null);
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
