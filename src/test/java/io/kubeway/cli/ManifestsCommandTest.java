package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubeway manifests}: the files of deploy/, from the jar's resources, selected by role. */
class ManifestsCommandTest {
    private record Run(int exit, String out, String err) {
        List<HasMetadata> objects() {
            Object parsed = Serialization.unmarshal(new ByteArrayInputStream(out.getBytes(StandardCharsets.UTF_8)));
            List<HasMetadata> list = new ArrayList<>();
            if (parsed instanceof KubernetesList l) list.addAll(l.getItems());
            else if (parsed instanceof List<?> l) l.forEach(o -> list.add((HasMetadata) o));
            else list.add((HasMetadata) parsed);
            return list;
        }

        List<String> kindsAndNames() {
            return objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("manifests"));
        all.addAll(List.of(args));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void byDefaultPrintsEveryDocumentOfDeployVerbatimInKustomizationOrder() throws IOException {
        Run run = run();
        assertThat(run.exit()).isZero();
        StringBuilder expected = new StringBuilder();
        for (String file : Manifests.files()) {
            for (String doc : Files.readString(Path.of("deploy", file)).split("(?m)^---[ \\t]*\\R?")) {
                if (!expected.isEmpty()) expected.append("---\n");
                expected.append("# Source: deploy/").append(file).append('\n').append(doc);
            }
        }
        assertThat(run.out()).isEqualTo(expected.toString());
        assertThat(run.kindsAndNames()).startsWith("Namespace/kubeway-system").contains(
                "DaemonSet/kubeway-proxy", "Deployment/kubeway-controller", "IngressClass/kubeway",
                "Service/kubeway-ingress", "ClusterRole/kubeway-proxy", "Role/kubeway-controller");
        // the comments that say why each RBAC rule exists survive
        assertThat(run.out()).contains("# Secrets, for the TLS certificates Ingresses name");
    }

    @Test
    void proxyAloneIsTheDaemonSetWithItsAccountAndNoDeploymentNoSecretsNoIngressClass() {
        Run run = run("--roles", "proxy");
        assertThat(run.exit()).isZero();
        assertThat(run.kindsAndNames()).containsExactly("Namespace/kubeway-system", "ServiceAccount/kubeway-proxy",
                "ClusterRole/kubeway-proxy", "ClusterRoleBinding/kubeway-proxy", "Role/kubeway-proxy",
                "RoleBinding/kubeway-proxy", "DaemonSet/kubeway-proxy");
        assertThat(run.objects()).filteredOn(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class::isInstance)
                .map(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class::cast)
                .flatMap(io.fabric8.kubernetes.api.model.rbac.ClusterRole::getRules)
                .flatMap(io.fabric8.kubernetes.api.model.rbac.PolicyRule::getResources).doesNotContain("secrets");
    }

    @Test
    void loadbalancerAndIngressAreTheDeploymentWithoutTheDaemonSet() {
        Run run = run("--roles", "loadbalancer,ingress");
        assertThat(run.exit()).isZero();
        assertThat(run.kindsAndNames()).contains("Deployment/kubeway-controller", "IngressClass/kubeway",
                "Service/kubeway-ingress", "Role/kubeway-controller", "PodDisruptionBudget/kubeway-controller")
                .doesNotContain("DaemonSet/kubeway-proxy", "ServiceAccount/kubeway-proxy", "ClusterRole/kubeway-proxy");
        assertThat(deployment(run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--roles=loadbalancer,ingress");
    }

    @Test
    void loadbalancerAloneNarrowsTheDeploymentsRolesAndLeavesOutTheIngressObjects() {
        Run run = run("--roles=loadbalancer");
        assertThat(run.exit()).isZero();
        assertThat(run.kindsAndNames()).contains("Deployment/kubeway-controller")
                .doesNotContain("IngressClass/kubeway", "Service/kubeway-ingress", "DaemonSet/kubeway-proxy");
        assertThat(deployment(run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--roles=loadbalancer").doesNotContain("--roles=loadbalancer,ingress");
    }

    @Test
    void proxyAndIngressKeepBothWorkloadsAndTheDeploymentServesIngressOnly() {
        Run run = run("--roles", "proxy", "--roles", "ingress");
        assertThat(run.kindsAndNames()).contains("DaemonSet/kubeway-proxy", "Deployment/kubeway-controller",
                "IngressClass/kubeway");
        assertThat(deployment(run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--roles=ingress");
    }

    @Test
    void namespaceAndImageAreReplacedEverywhere() {
        Run run = run("--namespace", "edge", "--image", "registry.example:5000/team/kubeway@sha256:0123abcd");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).doesNotContain("kubeway-system").doesNotContain("ghcr.io/kubeway");
        List<HasMetadata> objects = run.objects();
        assertThat(objects).filteredOn(o -> o.getMetadata().getNamespace() != null)
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("edge"));
        assertThat(objects).filteredOn(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast)
                .allSatisfy(b -> assertThat(b.getSubjects()).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("edge")));
        assertThat(run.kindsAndNames()).contains("Namespace/edge");
        assertThat(deployment(run).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--publish-service=edge/kubeway-ingress");
        assertThat(objects).filteredOn(DaemonSet.class::isInstance).map(DaemonSet.class::cast).singleElement()
                .satisfies(ds -> assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                        .isEqualTo("registry.example:5000/team/kubeway@sha256:0123abcd"));
    }

    @Test
    void badRolesNamespacesAndImagesAreRefusedWithTheReasonAndNothingPrinted() {
        Run role = run("--roles", "proxy,dns");
        assertThat(role.exit()).isEqualTo(2);
        assertThat(role.err()).contains("--roles: unknown role \"dns\" (known: proxy, loadbalancer, ingress)");
        assertThat(role.out()).isEmpty();

        Run ns = run("--namespace", "Kube_System");
        assertThat(ns.exit()).isEqualTo(2);
        assertThat(ns.err()).contains("--namespace: \"Kube_System\" is not a valid namespace name");

        // an image with YAML in it would add fields to the pod: refused, not quoted
        Run image = run("--image", "evil:1\n          securityContext: {privileged: true}");
        assertThat(image.exit()).isEqualTo(2);
        assertThat(image.err()).contains("--image: ");
        assertThat(image.out()).isEmpty();
    }

    private static Deployment deployment(Run run) {
        return run.objects().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                .orElseThrow();
    }
}
