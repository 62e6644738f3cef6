package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubeway.testing.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke test: every object of deploy/ (and the example pool) is created on fabric8's mock API server in CRUD
 * mode, over HTTP, and read back equal in what matters. The mock checks the objects serialise to what an API server
 * takes at their API paths; it does not validate them as a real API server would (no schema, admission or RBAC
 * escalation checks): that needs a real cluster (docs/in-cluster.md).
 */
class MockServerApplyTest {
    private MockApiServer api;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        api = MockApiServer.start();
        client = api.client();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void everyObjectIsCreatedAndReadsBackTheSame() {
        List<HasMetadata> objects = new ArrayList<>(DeployFiles.objects());
        objects.addAll(DeployFiles.parse(Path.of("deploy/examples/ipaddresspool.yaml")));
        for (HasMetadata o : objects) {
            HasMetadata created = o instanceof GenericKubernetesResource g
                    ? client.genericKubernetesResources(context(g)).inNamespace(g.getMetadata().getNamespace())
                    .resource(g).create()
                    : client.resource(o).create();
            assertThat(created.getMetadata().getUid()).as(o.getKind() + " " + o.getMetadata().getName()).isNotNull();
        }
        for (HasMetadata o : objects) {
            HasMetadata read = o instanceof GenericKubernetesResource g
                    ? client.genericKubernetesResources(context(g)).inNamespace(g.getMetadata().getNamespace())
                    .withName(g.getMetadata().getName()).get()
                    : client.resource(o).get();
            assertThat(read).as(o.getKind() + " " + o.getMetadata().getName()).isNotNull();
            assertThat(read.getClass()).isEqualTo(o.getClass());
            assertThat(read.getMetadata().getLabels()).isEqualTo(o.getMetadata().getLabels());
            assertThat(read.getMetadata().getAnnotations()).isEqualTo(o.getMetadata().getAnnotations());
        }
        DaemonSet ds = client.apps().daemonSets().inNamespace("kubeway-system").withName("kubeway-proxy").get();
        assertThat(ds.getSpec().getTemplate().getSpec().getHostNetwork()).isTrue();
        assertThat(client.rbac().clusterRoles().withName("kubeway-controller").get().getRules())
                .isEqualTo(DeployFiles.find(objects, io.fabric8.kubernetes.api.model.rbac.ClusterRole.class,
                        "kubeway-controller").getRules());
    }

    private static ResourceDefinitionContext context(GenericKubernetesResource g) {
        String[] gv = g.getApiVersion().split("/");
        return new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1]).withKind(g.getKind())
                .withPlural(g.getKind().toLowerCase() + "s").withNamespaced(true).build();
    }
}
