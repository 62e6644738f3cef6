package io.kubeway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kubeway manifests [--roles ...] [--namespace NS] [--image IMAGE]}: prints the plain in-cluster
 * manifests (deploy/*.yaml, from the jar), for {@code | kubectl apply -f -}.
 */
@Command(name = "manifests", mixinStandardHelpOptions = true,
        description = {"Print the YAML that installs Kubeway in a cluster (the files of deploy/).",
                "proxy: the DaemonSet (with its ServiceAccount and RBAC); loadbalancer, ingress: the Deployment; "
                        + "the Namespace always. Apply with: kubeway manifests | kubectl apply -f -"})
final class ManifestsCommand implements Callable<Integer> {
    @Option(names = "--roles", split = ",", paramLabel = "ROLE",
            description = "Roles to install: proxy, loadbalancer, ingress (default: all three).")
    List<String> roles = List.of("proxy", "loadbalancer", "ingress");

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = Manifests.DEFAULT_NAMESPACE,
            description = "Namespace to install into (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Container image (default: as in deploy/).")
    String image;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String yaml;
        try {
            yaml = Manifests.render(new LinkedHashSet<>(roles), namespace, image);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        spec.commandLine().getOut().print(yaml);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
