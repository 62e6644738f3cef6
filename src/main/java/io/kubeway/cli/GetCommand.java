package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesListBuilder;
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
import java.util.ArrayList;
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

    // GetCommandTest checks that this names every GetResource
    @Parameters(index = "0", paramLabel = "TYPE[,TYPE...][/NAME]", description = {
            "What to show: services (svc), ingresses (ing), endpointslices, events (ev), nodes (no) or",
            "ingressconfigs (the controller ConfigMap's keys, --configmap);",
            "several separated by commas, as kubectl takes them: services,ingress"})
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
        List<GetResource<?>> resources = new ArrayList<>();
        for (String one : typeArg.split(",", -1)) {
            GetResource<?> resource = GetResource.find(one).orElseThrow(() ->
                    new GetException("error: the server doesn't have a resource type \"" + one + "\""));
            if (!resources.contains(resource)) {
                resources.add(resource);
            }
        }
        if (slash >= 0 && resources.size() > 1) {
            throw new GetException("error: arguments in resource/name form must have a single resource and name");
        }
        Format format = format(output);
        if (nameArg != null && allNamespaces && resources.stream().anyMatch(GetResource::namespaced)) {
            throw new GetException("error: a resource cannot be retrieved by name across all namespaces");
        }
        try (GetClient client = new GetClient(adminAddress)) {
            List<Fetched<?>> fetched = new ArrayList<>();
            for (GetResource<?> resource : resources) {
                fetched.add(fetch(resource, nameArg, client));
            }
            if (fetched.size() == 1) {
                show(fetched.getFirst(), format, false, out, err);
            } else {
                showAll(fetched, format, out, err);
            }
        }
    }

    /** One resource's answer: the body as sent, what it parsed into, and its objects. */
    private record Fetched<T extends HasMetadata>(GetResource<T> resource, String body, Object parsed, List<T> items) {
    }

    private <T extends HasMetadata> Fetched<T> fetch(GetResource<T> resource, String objectName, GetClient client)
            throws GetException {
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
        try {
            if (objectName != null) {
                T object = Serialization.unmarshal(body, resource.type());
                return new Fetched<>(resource, body, object, List.of(object));
            }
            KubernetesResourceList<T> list = Serialization.unmarshal(body, resource.listType());
            return new Fetched<>(resource, body, list, List.copyOf(list.getItems()));
        } catch (RuntimeException e) {
            throw new GetException("error: cannot read the admin API's answer for " + path + ": " + e.getMessage(), e);
        }
    }

    private <T extends HasMetadata> void show(Fetched<T> f, Format format, boolean qualified, PrintWriter out,
                                              PrintWriter err) {
        switch (format) {
            // the body as the admin API sent it, re-indented: nothing dropped or reordered by a round trip
            case JSON -> out.println(Serialization.unmarshal(f.body(), JsonNode.class).toPrettyString());
            case YAML -> out.print(stripDocumentMarker(Serialization.asYaml(f.parsed())));
            case TABLE, WIDE -> {
                if (f.items().isEmpty()) {
                    err.println(noneFound(f.resource().namespaced()));
                } else {
                    out.print(table(f.resource(), f.items(), format == Format.WIDE, qualified).render());
                }
            }
        }
    }

    /**
     * Several types, as kubectl shows them: one table per type that has objects, a blank line between them and
     * names qualified by type ({@code service/web}); JSON and YAML as one {@code v1 List} of every object.
     */
    private void showAll(List<Fetched<?>> fetched, Format format, PrintWriter out, PrintWriter err) {
        if (format == Format.JSON || format == Format.YAML) {
            List<HasMetadata> all = new ArrayList<>();
            fetched.forEach(f -> all.addAll(f.items()));
            KubernetesList list = new KubernetesListBuilder().withItems(all).build();
            out.print(format == Format.JSON ? Serialization.asJson(list) + "\n"
                    : stripDocumentMarker(Serialization.asYaml(list)));
            return;
        }
        boolean first = true;
        for (Fetched<?> f : fetched) {
            if (f.items().isEmpty()) {
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            show(f, format, true, out, err);
        }
        if (first) {
            err.println(noneFound(fetched.stream().anyMatch(f -> f.resource().namespaced())));
        }
    }

    private <T extends HasMetadata> Table table(GetResource<T> resource, List<T> items, boolean wide,
                                                boolean qualified) {
        Instant now = clock.instant();
        TableColumns<T> columns = resource.columns();
        List<String> headers = columns.headers(wide);
        int nameColumn = headers.indexOf("NAME");
        List<List<String>> rows = items.stream().map(o -> {
            List<String> row = columns.row(o, wide, now);
            if (!qualified || nameColumn < 0) {
                return row;
            }
            List<String> named = new ArrayList<>(row);
            named.set(nameColumn, resource.qualifiedSingular() + "/" + row.get(nameColumn));
            return named;
        }).toList();
        Table table = new Table(headers, rows);
        if (allNamespaces && resource.namespaced()) {
            table = table.withFirstColumn("NAMESPACE", items.stream()
                    .map(o -> o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace()).toList());
        }
        return table;
    }

    // like kubectl: nothing on stdout, so pipelines see no header line either
    private String noneFound(boolean namespaced) {
        return namespaced && !allNamespaces ? "No resources found in " + namespace + " namespace."
                : "No resources found";
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
