package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The admin API as a function from (method, path, query) to a response: a small route table of path patterns,
 * three fixed endpoints and, for every {@link ApiResource}, the list and get paths the API server uses for it.
 * Kept free of sockets so every path can be tested directly; {@link AdminServer} only adapts HTTP to it.
 */
final class AdminRouter {

    /** One entry of the route table. */
    record Route(PathPattern pattern, Endpoint endpoint) {
    }

    /** Serves one matched request. */
    @FunctionalInterface
    interface Endpoint {
        AdminResponse serve(Request request);
    }

    /**
     * A matched request.
     *
     * @param vars            the path variables ({@code namespace}, {@code name})
     * @param query           decoded query parameters (first value wins)
     * @param view            the view this request reads, fetched once so one answer is consistent
     * @param resourceVersion the list {@code resourceVersion}: increases whenever a new view is published
     */
    record Request(Map<String, String> vars, Map<String, String> query, ClusterView view, String resourceVersion) {
    }

    private final Supplier<ClusterView> views;
    private final Supplier<String> metrics;
    private final List<Route> routes;
    private ClusterView lastView;
    private long version;

    AdminRouter(Supplier<ClusterView> views, Supplier<String> metrics, List<ApiResource<?>> resources) {
        this.views = requireNonNull(views, "views");
        this.metrics = requireNonNull(metrics, "metrics");
        List<Route> table = new ArrayList<>();
        table.add(new Route(PathPattern.of("/healthz"), r -> AdminResponse.text(200, "ok")));
        table.add(new Route(PathPattern.of("/readyz"),
                r -> r.view().serving() ? AdminResponse.text(200, "ok") : AdminResponse.text(503, notReadyText(r.view()))));
        table.add(new Route(PathPattern.of("/metrics"),
                r -> new AdminResponse(200, AdminResponse.PROMETHEUS_TEXT, this.metrics.get(), Map.of())));
        table.add(new Route(PathPattern.of("/apis/kubeway.io/v1/listeners"), AdminRouter::listeners));
        resources.forEach(resource -> table.addAll(routesFor(resource)));
        this.routes = List.copyOf(table);
    }

    /** /readyz's body when not ready: one line per reason, as kube-apiserver's readyz lists failed checks. */
    private static String notReadyText(ClusterView view) {
        StringBuilder b = new StringBuilder();
        if (!view.ready()) {
            b.append("[-]sync: the first state has not been programmed yet\n");
        }
        view.notReady().forEach(reason -> b.append("[-]").append(reason).append('\n'));
        return b.append("readyz check failed").toString();
    }

    List<Route> routes() {
        return routes;
    }

    AdminResponse handle(String method, String path, String rawQuery) {
        if (!"GET".equals(method)) {
            return KubeStatus.methodNotAllowed();
        }
        for (Route route : routes) {
            Optional<Map<String, String>> vars = route.pattern().match(path);
            if (vars.isPresent()) {
                Map<String, String> query;
                try {
                    query = parseQuery(rawQuery);
                } catch (IllegalArgumentException e) {
                    return KubeStatus.badRequest("invalid query string: " + e.getMessage());
                }
                ClusterView view = requireNonNull(views.get(), "view supplier returned null");
                return route.endpoint().serve(new Request(vars.get(), query, view, resourceVersionOf(view)));
            }
        }
        return KubeStatus.unknownPath();
    }

    private static <T extends HasMetadata> List<Route> routesFor(ApiResource<T> resource) {
        String prefix = resource.prefix();
        String plural = resource.plural();
        List<Route> out = new ArrayList<>();
        out.add(new Route(PathPattern.of(prefix + "/" + plural), r -> list(resource, null, r)));
        if (resource.namespaced()) {
            String inNamespace = prefix + "/namespaces/{namespace}/" + plural;
            out.add(new Route(PathPattern.of(inNamespace), r -> list(resource, r.vars().get("namespace"), r)));
            out.add(new Route(PathPattern.of(inNamespace + "/{name}"),
                    r -> get(resource, r.vars().get("namespace"), r.vars().get("name"), r)));
        } else {
            out.add(new Route(PathPattern.of(prefix + "/" + plural + "/{name}"),
                    r -> get(resource, null, r.vars().get("name"), r)));
        }
        return out;
    }

    private static <T extends HasMetadata> AdminResponse list(ApiResource<T> resource, String namespace,
                                                              Request request) {
        LabelSelector selector;
        try {
            selector = LabelSelector.parse(request.query().get("labelSelector"));
        } catch (IllegalArgumentException e) {
            return KubeStatus.badRequest(e.getMessage());
        }
        List<T> items = resource.items().apply(request.view()).stream()
                .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace()))
                .filter(o -> selector.matches(o.getMetadata().getLabels()))
                .sorted(resource.order())
                .toList();
        KubernetesResourceList<T> list = resource.listOf().apply(items,
                new ListMetaBuilder().withResourceVersion(request.resourceVersion()).build());
        return AdminResponse.json(200, listJson(list));
    }

    private static <T extends HasMetadata> AdminResponse get(ApiResource<T> resource, String namespace, String name,
                                                             Request request) {
        return resource.items().apply(request.view()).stream()
                .filter(o -> namespace == null || namespace.equals(o.getMetadata().getNamespace()))
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst()
                .map(o -> AdminResponse.json(200, Serialization.asJson(o)))
                .orElseGet(() -> KubeStatus.notFound(resource.group(), resource.plural(), name));
    }

    /** The data plane's listeners: Kubeway's own resource, in a Kubernetes-style list. */
    private static AdminResponse listeners(Request request) {
        Map<String, Object> list = new java.util.LinkedHashMap<>();
        list.put("kind", "ListenerList");
        list.put("apiVersion", "kubeway.io/v1");
        list.put("metadata", Map.of("resourceVersion", request.resourceVersion()));
        list.put("items", request.view().listeners());
        return AdminResponse.json(200, Serialization.jsonMapper().writeValueAsString(list));
    }

    /**
     * fabric8 leaves empty collections out of JSON, but the API server always sends {@code "items":[]}; clients
     * (jq, scripts) expect the field, so it is put back for empty lists.
     */
    static String listJson(KubernetesResourceList<?> list) {
        String json = Serialization.asJson(list);
        if (list.getItems().isEmpty() && !json.contains("\"items\"")) {
            return json.substring(0, json.length() - 1) + ",\"items\":[]}";
        }
        return json;
    }

    // a new view object means a new sync was published: bump the version the lists report
    private synchronized String resourceVersionOf(ClusterView view) {
        if (view != lastView) {
            lastView = view;
            version++;
        }
        return Long.toString(version);
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.putIfAbsent(key, value);
        }
        return query;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AdminRouter" + routes.stream().map(r -> r.pattern().template()).toList();
    }
}
