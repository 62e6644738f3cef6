package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart, checked without Helm: its structure against deploy/. What this does not prove, and only
 * {@code helm template} / {@code helm lint} can: that every template renders (Go template syntax, sprig functions,
 * the indentation {@code nindent} produces). {@link HelmTemplateTest} does that when a helm binary is there.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("deploy/helm/kubeway");
    private static final Pattern VALUES_REF = Pattern.compile("\\.Values((?:\\.[A-Za-z0-9_]+)+)");
    private static final Pattern SIMPLE_VALUE = Pattern.compile("\\{\\{ \\.Values((?:\\.[A-Za-z0-9_]+)+) }}");
    private static final Pattern ANY_TEMPLATE = Pattern.compile("\\{\\{.*?}}");

    private final Map<?, ?> values = Serialization.unmarshal(DeployFiles.read(CHART.resolve("values.yaml")), Map.class);
    private final List<HasMetadata> deploy = DeployFiles.objects();

    @Test
    void chartYamlIsAV2ApplicationWhoseAppVersionIsTheImageTagOfDeploy() {
        Map<?, ?> chart = Serialization.unmarshal(DeployFiles.read(CHART.resolve("Chart.yaml")), Map.class);
        assertThat(chart.get("apiVersion")).isEqualTo("v2");
        assertThat(chart.get("name")).isEqualTo("kubeway");
        assertThat(String.valueOf(chart.get("version"))).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
        String image = DeployFiles.find(deploy, DaemonSet.class, "kubeway-proxy").getSpec().getTemplate().getSpec()
                .getContainers().get(0).getImage();
        assertThat(image).isEqualTo(value("image.repository") + ":" + chart.get("appVersion"));
        assertThat(value("image.tag")).isEqualTo("");
    }

    @Test
    void everyValueATemplateReadsExistsAndEveryValueIsRead() {
        Set<String> referenced = new TreeSet<>();
        for (Path t : Stream.concat(templates().stream(), Stream.of(CHART.resolve("templates/_helpers.tpl"))).toList()) {
            Matcher m = VALUES_REF.matcher(DeployFiles.read(t));
            while (m.find()) referenced.add(m.group(1).substring(1));
        }
        for (String path : referenced) {
            assertThat(exists(path)).as(".Values." + path + " is used by a template but not in values.yaml").isTrue();
        }
        Set<String> leaves = new TreeSet<>();
        leaves(values, "", leaves);
        assertThat(leaves).as("values.yaml entries no template reads").allSatisfy(leaf ->
                assertThat(referenced.stream().anyMatch(r -> leaf.equals(r) || leaf.startsWith(r + "."))).isTrue());
    }

    @Test
    void everyIncludeNamesADefinedTemplate() {
        String helpers = DeployFiles.read(CHART.resolve("templates/_helpers.tpl"));
        Set<String> defined = names(Pattern.compile("define \"([^\"]+)\""), helpers);
        Set<String> included = new TreeSet<>();
        templates().forEach(t -> included.addAll(names(Pattern.compile("include \"([^\"]+)\""), DeployFiles.read(t))));
        assertThat(defined).containsAll(included);
    }

    @Test
    void byDefaultEveryRoleIsOnSoEveryConditionalObjectRenders() {
        assertThat(value("roles.proxy")).isEqualTo(true);
        assertThat(value("roles.loadbalancer")).isEqualTo(true);
        assertThat(value("roles.ingress")).isEqualTo(true);
        assertThat(value("ingress.createIngressClass")).isEqualTo(true);
        assertThat(value("controller.podDisruptionBudget.enabled")).isEqualTo(true);
        assertThat(value("apiServer.host")).isEqualTo("");
    }

    @Test
    void theTemplatesHoldTheSameKindsAndNamesAsDeployLessTheNamespace() {
        Set<String> chart = new TreeSet<>();
        Pattern metadataName = Pattern.compile("(?m)^metadata:\\R(?:  .*\\R)*?  name: (.+)$");
        for (Path t : templates()) {
            for (String doc : DeployFiles.read(t).split("(?m)^---\\s*$")) {
                Matcher kind = Pattern.compile("(?m)^kind: (\\S+)").matcher(doc);
                if (!kind.find()) continue;
                Matcher name = metadataName.matcher(doc);
                assertThat(name.find()).as(t + ": " + kind.group(1) + " without metadata.name").isTrue();
                chart.add(kind.group(1) + "/" + render(name.group(1).strip()));
            }
        }
        Set<String> plain = new TreeSet<>();
        deploy.stream().filter(o -> !(o instanceof Namespace)).forEach(o -> plain.add(o.getKind() + "/" + o.getMetadata().getName()));
        // the chart installs into the release's namespace (helm install -n kubeway-system --create-namespace)
        assertThat(chart).isEqualTo(plain);
    }

    @Test
    void theRbacRulesAreTheSameLinesAsDeploys() {
        for (String file : List.of("rbac-proxy.yaml", "rbac-controller.yaml")) {
            assertThat(rulesBlocks(DeployFiles.read(CHART.resolve("templates").resolve(file))))
                    .as(file).isEqualTo(rulesBlocks(DeployFiles.read(DeployFiles.DEPLOY.resolve(file))));
        }
    }

    @Test
    void theWorkloadsRunWithTheSameArgumentsAndEnvironmentAsDeploys() {
        String ds = DeployFiles.read(CHART.resolve("templates/daemonset-proxy.yaml"));
        assertThat(args(ds)).isEqualTo(DeployFiles.find(deploy, DaemonSet.class, "kubeway-proxy").getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs());
        String d = DeployFiles.read(CHART.resolve("templates/deployment-controller.yaml"));
        assertThat(args(d)).isEqualTo(DeployFiles.find(deploy, Deployment.class, "kubeway-controller").getSpec()
                .getTemplate().getSpec().getContainers().get(0).getArgs());
        String helpers = DeployFiles.read(CHART.resolve("templates/_helpers.tpl"));
        for (String env : List.of("NODE_NAME", "POD_NAME", "POD_NAMESPACE", "POD_IP")) {
            assertThat(helpers).contains("- name: " + env + "\n  valueFrom:\n    fieldRef:\n");
        }
        assertThat(helpers).contains("fieldPath: spec.nodeName", "fieldPath: metadata.name",
                "fieldPath: metadata.namespace", "fieldPath: status.podIP");
        assertThat(ds).contains("hostNetwork: true", "privileged: true", "readOnlyRootFilesystem: true");
        assertThat(d).contains("runAsNonRoot: true", "net.ipv4.ip_unprivileged_port_start");
        assertThat(value("controller.replicas")).isEqualTo(2);
    }

    /** The `- ` items under `args:`, with the simple expressions the templates use there rendered from values. */
    private List<String> args(String template) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        boolean inRange = false;
        for (String line : template.lines().toList()) {
            String s = line.strip();
            if (s.equals("args:")) {
                in = true;
            } else if (in && s.startsWith("#")) {
                continue; // a comment between the arguments
            } else if (in && s.startsWith("{{- range .Values.")) {
                inRange = true; // extraArgs: empty by default
            } else if (in && inRange) {
                inRange = !s.equals("{{- end }}");
            } else if (in && s.startsWith("- ")) {
                out.add(render(s.substring(2)));
            } else if (in) {
                break;
            }
        }
        return out;
    }

    /** {@code {{ .Values.x }}}, the release namespace and the controller roles, as Helm renders them by default. */
    private String render(String text) {
        Matcher m = SIMPLE_VALUE.matcher(text);
        String out = m.replaceAll(r -> Matcher.quoteReplacement(String.valueOf(value(r.group(1).substring(1)))));
        out = out.replace("{{ .Release.Namespace }}", "kubeway-system")
                .replace("{{ include \"kubeway.controllerRoles\" . }}", "loadbalancer,ingress");
        assertThat(ANY_TEMPLATE.matcher(out).find()).as("an expression this test cannot render: " + text).isFalse();
        return out;
    }

    private static List<String> rulesBlocks(String yaml) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : yaml.lines().toList()) {
            if (line.equals("rules:")) in = true;
            else if (in && !line.startsWith(" ")) in = false;
            if (in) out.add(line);
        }
        return out;
    }

    private Object value(String path) {
        Object node = values;
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) throw new AssertionError("no .Values." + path);
            node = map.get(key);
        }
        return node;
    }

    private boolean exists(String path) {
        try {
            value(path);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static void leaves(Object node, String prefix, Set<String> out) {
        if (node instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((k, v) -> leaves(v, prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, out));
        } else {
            out.add(prefix);
        }
    }

    private static Set<String> names(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static List<Path> templates() {
        try (Stream<Path> s = Files.list(CHART.resolve("templates"))) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
