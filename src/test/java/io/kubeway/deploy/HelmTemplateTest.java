package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chart rendered by a real {@code helm template}, when a helm binary is there ({@code $KUBEWAY_HELM}, else
 * {@code helm} on the PATH); skipped with the reason otherwise. With the defaults it must render exactly the
 * objects of deploy/ (less the Namespace, and less Helm's own labels), compared as typed fabric8 objects.
 * HelmChartTest checks the chart's structure without Helm.
 */
class HelmTemplateTest {
    private static final List<String> HELM_LABELS = List.of("app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "helm.sh/chart");
    private static String helm;

    @BeforeAll
    static void findHelm() {
        helm = Optional.ofNullable(System.getenv("KUBEWAY_HELM")).filter(h -> new File(h).canExecute())
                .or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                        .map(d -> Path.of(d, "helm")).filter(Files::isExecutable).map(Path::toString).findFirst())
                .orElse(null);
    }

    @Test
    void theDefaultsRenderExactlyTheObjectsOfDeploy() throws Exception {
        List<HasMetadata> rendered = template();
        List<HasMetadata> plain = DeployFiles.objects().stream().filter(o -> !(o instanceof Namespace)).toList();
        assertThat(rendered).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(plain.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
        for (HasMetadata o : rendered) {
            HELM_LABELS.forEach(o.getMetadata().getLabels()::remove);
            HasMetadata expected = plain.stream().filter(p -> p.getKind().equals(o.getKind())
                    && p.getMetadata().getName().equals(o.getMetadata().getName())).findFirst().orElseThrow();
            // as YAML, so a difference reads as a diff
            assertThat(Serialization.asYaml(o)).as(o.getKind() + " " + o.getMetadata().getName())
                    .isEqualTo(Serialization.asYaml(expected));
        }
    }

    @Test
    void withoutTheIngressRoleTheControllerOnlyAssignsIpsAndTheApiServerAddressReachesBothWorkloads() throws Exception {
        List<HasMetadata> rendered = template("--set", "roles.ingress=false", "--set", "apiServer.host=192.0.2.1");
        assertThat(rendered).extracting(HasMetadata::getKind).doesNotContain("IngressClass", "Service");
        Deployment d = rendered.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--roles=loadbalancer");
        DaemonSet ds = rendered.stream().filter(DaemonSet.class::isInstance).map(DaemonSet.class::cast).findFirst().orElseThrow();
        for (List<EnvVar> env : List.of(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv(),
                ds.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())) {
            assertThat(env).extracting(e -> e.getName() + "=" + e.getValue())
                    .contains("KUBERNETES_SERVICE_HOST=192.0.2.1", "KUBERNETES_SERVICE_PORT=6443");
        }
    }

    @Test
    void proxyAloneIsTheDaemonSetAndItsAccount() throws Exception {
        List<HasMetadata> rendered = template("--set", "roles.loadbalancer=false", "--set", "roles.ingress=false");
        assertThat(rendered).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactlyInAnyOrder(
                "ServiceAccount/kubeway-proxy", "ClusterRole/kubeway-proxy", "ClusterRoleBinding/kubeway-proxy",
                "DaemonSet/kubeway-proxy");
    }

    private static List<HasMetadata> template(String... set) throws IOException, InterruptedException {
        assumeTrue(helm != null, "no helm binary ($KUBEWAY_HELM or helm on the PATH): the chart is checked only "
                + "structurally (HelmChartTest)");
        List<String> cmd = new ArrayList<>(List.of(helm, "template", "kubeway", "deploy/helm/kubeway",
                "--namespace", "kubeway-system"));
        cmd.addAll(List.of(set));
        Path out = Files.createTempFile("helm-template", ".yaml");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(false).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("helm template finished").isTrue();
            assertThat(p.exitValue()).as("helm template: " + err).isZero();
            return DeployFiles.parse(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
