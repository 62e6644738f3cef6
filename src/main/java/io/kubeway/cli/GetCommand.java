package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * {@code kubeway get}: shows what a running kubeway decided, read from its admin API and printed as
 * {@code kubectl get} prints it (same columns, layout, messages and exit codes), so operators can use their
 * kubectl habits on a machine without an API server.
 *
 * <p>Output goes to the picocli {@code CommandLine}'s out and err writers, so callers (and tests) choose them
 * with {@code setOut}/{@code setErr}.
 */
@Command(name = "get", description = "Display objects from a running kubeway (like kubectl get)", sortOptions = false)
public final class GetCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TYPE[/NAME]",
            description = "services (svc), endpointslices, events (ev) or nodes (no)")
    private String type;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Show only the object with this name")
    private String name;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
            description = "Namespace to show (default: ${DEFAULT-VALUE})")
    private String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "List objects of all namespaces")
    private boolean allNamespaces;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml")
    private String output;

    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
            description = "Label selector, e.g. app=web,tier!=db")
    private String selector;

    @Option(names = "--admin-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:10249",
            description = "Admin API of the running kubeway (default: ${DEFAULT-VALUE})")
    private String adminAddress;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help")
    private boolean help;

    @Spec
    private CommandSpec spec;

    private final Clock clock;

    /** A command that computes ages with the system clock. */
    public GetCommand() {
        this(Clock.systemUTC());
    }

    /** A command that computes AGE and LAST SEEN against {@code clock}. */
    public GetCommand(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    private enum Format { TABLE, WIDE, JSON, YAML }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            run(out, err);
            return 0;
        } catch (GetException e) {
            err.println(e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void run(PrintWriter out, PrintWriter err) throws GetException {
        String typeArg = type;
        String nameArg = name;
        int slash = typeArg.indexOf('/');
        if (slash >= 0) {
            if (nameArg != null) {
                throw new GetException("error: there is no need to specify a resource type as a separate argument "
                        + "when passing arguments in resource/name form (e.g. 'kubeway get resource/<resource_name>' "
                        + "instead of 'kubeway get resource resource/<resource_name>'");
            }
            nameArg = typeArg.substring(slash + 1);
            typeArg = typeArg.substring(0, slash);
            if (nameArg.isEmpty()) {
                throw new GetException("error: arguments in resource/name form must have a single resource and name");
            }
        }
        GetResource<?> resource = GetResource.find(typeArg).orElseThrow(() ->
                new GetException("error: the server doesn't have a resource type \"" + type + "\""));
        Format format = format(output);
        if (nameArg != null && allNamespaces && resource.namespaced()) {
            throw new GetException("error: a resource cannot be retrieved by name across all namespaces");
        }
        try (GetClient client = new GetClient(adminAddress)) {
            show(resource, nameArg, format, client, out, err);
        }
    }

    private <T extends HasMetadata> void show(GetResource<T> resource, String objectName, Format format,
                                              GetClient client, PrintWriter out, PrintWriter err) throws GetException {
        String path;
        if (objectName != null) {
            path = resource.objectPath(namespace, objectName);
        } else {
            path = resource.listPath(allNamespaces ? null : namespace);
            if (selector != null && !selector.isEmpty()) {
                path += "?labelSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
            }
        }
        String body = client.get(path);
        Object parsed;
        List<T> items;
        try {
            if (objectName != null) {
                T object = Serialization.unmarshal(body, resource.type());
                parsed = object;
                items = List.of(object);
            } else {
                KubernetesResourceList<T> list = Serialization.unmarshal(body, resource.listType());
                parsed = list;
                items = List.copyOf(list.getItems());
            }
        } catch (RuntimeException e) {
            throw new GetException("error: cannot read the admin API's answer for " + path + ": " + e.getMessage(), e);
        }
        switch (format) {
            // the body as the admin API sent it, re-indented: nothing dropped or reordered by a round trip
            case JSON -> out.println(Serialization.unmarshal(body, JsonNode.class).toPrettyString());
            case YAML -> out.print(stripDocumentMarker(Serialization.asYaml(parsed)));
            case TABLE, WIDE -> printTable(resource, items, format == Format.WIDE, out, err);
        }
    }

    private <T extends HasMetadata> void printTable(GetResource<T> resource, List<T> items, boolean wide,
                                                    PrintWriter out, PrintWriter err) {
        if (items.isEmpty()) {
            // like kubectl: nothing on stdout, so pipelines see no header line either
            err.println(resource.namespaced() && !allNamespaces
                    ? "No resources found in " + namespace + " namespace."
                    : "No resources found");
            return;
        }
        Instant now = clock.instant();
        TableColumns<T> columns = resource.columns();
        Table table = new Table(columns.headers(wide), items.stream().map(o -> columns.row(o, wide, now)).toList());
        if (allNamespaces && resource.namespaced()) {
            table = table.withFirstColumn("NAMESPACE", items.stream()
                    .map(o -> o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace()).toList());
        }
        out.print(table.render());
    }

    private static Format format(String output) throws GetException {
        if (output == null || output.isEmpty()) {
            return Format.TABLE;
        }
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "wide" -> Format.WIDE;
            case "json" -> Format.JSON;
            case "yaml" -> Format.YAML;
            default -> throw new GetException("error: unable to match a printer suitable for the output format \""
                    + output + "\", allowed formats are: json,wide,yaml");
        };
    }

    // fabric8 starts YAML with a "---" document marker that kubectl does not print
    private static String stripDocumentMarker(String yaml) {
        return yaml.startsWith("---\n") ? yaml.substring(4) : yaml;
    }
}
