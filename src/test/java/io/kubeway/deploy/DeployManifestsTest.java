package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.kubeway.deploy.DeployFiles.find;
import static org.assertj.core.api.Assertions.assertThat;

/** deploy/*.yaml as a reader of the manifests would check them, object by object. */
@SuppressWarnings("unchecked")
class DeployManifestsTest {
    private final List<HasMetadata> objects = DeployFiles.objects();

    @Test
    void everyDocumentParsesIntoATypedObjectOfItsKind() {
        Map<String, Class<?>> expected = Map.ofEntries(
                Map.entry("Namespace/kubeway-system", Namespace.class),
                Map.entry("ServiceAccount/kubeway-proxy", ServiceAccount.class),
                Map.entry("ServiceAccount/kubeway-controller", ServiceAccount.class),
                Map.entry("ClusterRole/kubeway-proxy", ClusterRole.class),
                Map.entry("ClusterRoleBinding/kubeway-proxy", ClusterRoleBinding.class),
                Map.entry("Role/kubeway-proxy", Role.class),
                Map.entry("RoleBinding/kubeway-proxy", RoleBinding.class),
                Map.entry("ClusterRole/kubeway-controller", ClusterRole.class),
                Map.entry("ClusterRoleBinding/kubeway-controller", ClusterRoleBinding.class),
                Map.entry("Role/kubeway-controller", Role.class),
                Map.entry("RoleBinding/kubeway-controller", RoleBinding.class),
                Map.entry("IngressClass/kubeway", IngressClass.class),
                Map.entry("ConfigMap/kubeway-controller", io.fabric8.kubernetes.api.model.ConfigMap.class),
                Map.entry("DaemonSet/kubeway-proxy", DaemonSet.class),
                Map.entry("Deployment/kubeway-controller", Deployment.class),
                Map.entry("PodDisruptionBudget/kubeway-controller", PodDisruptionBudget.class),
                Map.entry("Service/kubeway-ingress", Service.class));
        Map<String, Class<?>> actual = objects.stream().collect(Collectors.toMap(
                o -> o.getKind() + "/" + o.getMetadata().getName(), Object::getClass));
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
        for (HasMetadata o : objects) {
            if (!(o instanceof Namespace || o instanceof ClusterRole || o instanceof ClusterRoleBinding
                    || o instanceof IngressClass)) {
                assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                        .isEqualTo("kubeway-system");
            }
        }
    }

    @Test
    void theExamplePoolIsAMetalLbPoolWithAnL2AdvertisementForIt() {
        List<HasMetadata> example = DeployFiles.parse(Path.of("deploy/examples/ipaddresspool.yaml"));
        assertThat(example).extracting(HasMetadata::getApiVersion, HasMetadata::getKind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("metallb.io/v1beta1", "IPAddressPool"),
                org.assertj.core.groups.Tuple.tuple("metallb.io/v1beta1", "L2Advertisement"));
        assertThat(example).allSatisfy(o -> {
            assertThat(o).isInstanceOf(GenericKubernetesResource.class);
            assertThat(o.getMetadata().getNamespace()).isEqualTo("kubeway-system");
        });
        Map<?, ?> l2spec = (Map<?, ?>) ((GenericKubernetesResource) example.get(1)).getAdditionalProperties().get("spec");
        assertThat((List<Object>) l2spec.get("ipAddressPools")).containsExactly(example.get(0).getMetadata().getName());
    }

    @Test
    void theKustomizationListsEveryManifestFileOnce() {
        Map<?, ?> kustomization = Serialization.unmarshal(DeployFiles.read(DeployFiles.DEPLOY.resolve("kustomization.yaml")),
                Map.class);
        assertThat((List<Object>) kustomization.get("resources")).containsExactlyInAnyOrderElementsOf(
                DeployFiles.manifestFiles().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void theProxyDaemonSetRunsInTheNodesNetworkWithNetAdminAndTheDownwardApiEnv() {
        DaemonSet ds = find(objects, DaemonSet.class, "kubeway-proxy");
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        Container c = pod.getContainers().get(0);
        // privileged as kube-proxy: NET_ADMIN, and the strict-ARP sysctls need a writable /proc/sys
        assertThat(c.getSecurityContext().getPrivileged()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getArgs()).containsExactly("run", "--roles=proxy", "--namespace=$(POD_NAMESPACE)",
                "--node-name=$(NODE_NAME)", "--admin-address=$(POD_IP):10249", "--state-dir=/tmp/kubeway");
        assertDownwardApiEnv(c);
        assertProbesOnTheAdminPort(c);
        assertThat(pod.getTolerations()).anySatisfy(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
        assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(ds.getSpec().getTemplate().getMetadata()
                .getLabels());
    }

    @Test
    void theControllerDeploymentRunsTwoNonRootReplicasWithoutCapabilities() {
        Deployment d = find(objects, Deployment.class, "kubeway-controller");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isNotZero();
        // ports 80 and 443 for a non-root user without capabilities
        assertThat(pod.getSecurityContext().getSysctls()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("net.ipv4.ip_unprivileged_port_start");
            assertThat(Integer.parseInt(s.getValue())).isLessThanOrEqualTo(80);
        });
        Container c = pod.getContainers().get(0);
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getArgs()).containsExactly("run", "--roles=loadbalancer,ingress", "--namespace=$(POD_NAMESPACE)",
                "--node-name=$(NODE_NAME)", "--admin-address=$(POD_IP):10249", "--state-dir=/tmp/kubeway",
                "--ingress-class=kubeway",
                "--ingress-http-address=0.0.0.0:80", "--ingress-https-address=0.0.0.0:443",
                "--publish-service=kubeway-system/kubeway-ingress", "--configmap=kubeway-system/kubeway-controller");
        assertDownwardApiEnv(c);
        assertProbesOnTheAdminPort(c);
        assertThat(c.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .contains("http=80", "https=443");
    }

    @Test
    void theIngressServiceSelectsTheControllerPodsAndIsTheOneTheyPublish() {
        Deployment d = find(objects, Deployment.class, "kubeway-controller");
        Service svc = find(objects, Service.class, "kubeway-ingress");
        assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort() + "->" + p.getTargetPort().getStrVal())
                .containsExactly("80->http", "443->https");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--publish-service=" + svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName());
        PodDisruptionBudget pdb = find(objects, PodDisruptionBudget.class, "kubeway-controller");
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void theIngressClassIsKubewaysController() {
        IngressClass ic = find(objects, IngressClass.class, "kubeway");
        assertThat(ic.getSpec().getController()).isEqualTo("kubeway.io/ingress-controller");
        assertThat(find(objects, Deployment.class, "kubeway-controller").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getArgs()).contains("--ingress-class=" + ic.getMetadata().getName());
    }

    @Test
    void eachWorkloadRunsAsItsOwnServiceAccountAndEachBindingNamesExistingObjects() {
        assertThat(find(objects, DaemonSet.class, "kubeway-proxy").getSpec().getTemplate().getSpec()
                .getServiceAccountName()).isEqualTo(find(objects, ServiceAccount.class, "kubeway-proxy").getMetadata().getName());
        assertThat(find(objects, Deployment.class, "kubeway-controller").getSpec().getTemplate().getSpec()
                .getServiceAccountName()).isEqualTo(find(objects, ServiceAccount.class, "kubeway-controller").getMetadata().getName());
        for (ClusterRoleBinding b : objects.stream().filter(ClusterRoleBinding.class::isInstance).map(ClusterRoleBinding.class::cast).toList()) {
            assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
            find(objects, ClusterRole.class, b.getRoleRef().getName());
            assertSubjectsExist(b.getSubjects());
        }
        for (RoleBinding b : objects.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast).toList()) {
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            find(objects, Role.class, b.getRoleRef().getName());
            assertSubjectsExist(b.getSubjects());
        }
    }

    @Test
    void everyObjectCarriesTheRolesItServesOrIsShared() {
        for (HasMetadata o : objects) {
            String roles = o.getMetadata().getAnnotations() == null ? null
                    : o.getMetadata().getAnnotations().get("kubeway.io/roles");
            if (o instanceof Namespace) {
                assertThat(roles).as("the Namespace is shared").isNull();
            } else {
                assertThat(roles).as(o.getKind() + " " + o.getMetadata().getName()).isNotNull();
                assertThat(roles.split(",")).isSubsetOf("proxy", "loadbalancer", "ingress");
            }
        }
    }

    private void assertSubjectsExist(List<Subject> subjects) {
        assertThat(subjects).isNotEmpty().allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(find(objects, ServiceAccount.class, s.getName()).getMetadata().getNamespace())
                    .isEqualTo(s.getNamespace());
        });
    }

    private static void assertDownwardApiEnv(Container c) {
        Map<String, String> fieldPaths = c.getEnv().stream().filter(e -> e.getValueFrom() != null)
                .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
        assertThat(fieldPaths).containsExactlyInAnyOrderEntriesOf(Map.of("NODE_NAME", "spec.nodeName",
                "POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace", "POD_IP", "status.podIP"));
    }

    private static void assertProbesOnTheAdminPort(Container c) {
        assertThat(c.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("admin");
            assertThat(p.getContainerPort()).isEqualTo(10249);
        });
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
    }
}
