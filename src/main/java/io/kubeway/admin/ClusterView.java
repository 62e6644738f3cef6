package io.kubeway.admin;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the control plane decided, published after each sync and served read-only by {@link AdminServer}.
 *
 * <p>The lists are immutable, but the fabric8 objects inside them are not: publishers hand over objects they
 * no longer mutate, and readers (the admin API) never mutate them. A new sync publishes a new view.
 *
 * @param services       Services as allocated: {@code spec.clusterIP(s)}, node ports and {@code status.loadBalancer}
 * @param endpointSlices the EndpointSlices the data plane routes to
 * @param events         core/v1 Events the control plane recorded
 * @param nodes          the Node objects describing this machine
 * @param ready          whether every initial list has arrived and the first state was programmed
 * @param listeners      every data-plane listener, sorted by address (a {@link LazyList}: sorted when first read)
 * @param ingresses      every Ingress, as kubectl lists them: those this controller handles with
 *                       {@code status.loadBalancer}, those of other classes as read
 * @param notReady       why this instance is not (fully) ready although it has synced: listeners that failed
 *                       to bind, a source that stopped delivering changes; empty when all is well
 * @param ingressConfig  the controller ConfigMap's effect, one IngressConfig item per key (see
 *                       {@code sync.IngressConfigView}); empty without {@code --configmap}
 */
public record ClusterView(List<Service> services, List<EndpointSlice> endpointSlices, List<Event> events,
                          List<Node> nodes, boolean ready, List<ListenerStatus> listeners, List<Ingress> ingresses,
                          List<String> notReady, List<GenericKubernetesResource> ingressConfig) {

    /** The view before the first sync: nothing known, not ready. */
    public static final ClusterView EMPTY = new ClusterView(List.of(), List.of(), List.of(), List.of(), false);

    /** A view without a controller ConfigMap. */
    public ClusterView(List<Service> services, List<EndpointSlice> endpointSlices, List<Event> events,
                       List<Node> nodes, boolean ready, List<ListenerStatus> listeners, List<Ingress> ingresses,
                       List<String> notReady) {
        this(services, endpointSlices, events, nodes, ready, listeners, ingresses, notReady, List.of());
    }

    /** A view with nothing making it not ready. */
    public ClusterView(List<Service> services, List<EndpointSlice> endpointSlices, List<Event> events,
                       List<Node> nodes, boolean ready, List<ListenerStatus> listeners, List<Ingress> ingresses) {
        this(services, endpointSlices, events, nodes, ready, listeners, ingresses, List.of());
    }

    /** A view without listeners. */
    public ClusterView(List<Service> services, List<EndpointSlice> endpointSlices, List<Event> events,
                       List<Node> nodes, boolean ready) {
        this(services, endpointSlices, events, nodes, ready, List.of(), List.of());
    }

    public ClusterView {
        services = List.copyOf(requireNonNull(services, "services"));
        endpointSlices = List.copyOf(requireNonNull(endpointSlices, "endpointSlices"));
        events = List.copyOf(requireNonNull(events, "events"));
        nodes = List.copyOf(requireNonNull(nodes, "nodes"));
        listeners = listeners instanceof LazyList<ListenerStatus> lazy ? lazy : List.copyOf(requireNonNull(listeners, "listeners"));
        ingresses = List.copyOf(requireNonNull(ingresses, "ingresses"));
        notReady = List.copyOf(requireNonNull(notReady, "notReady"));
        ingressConfig = List.copyOf(requireNonNull(ingressConfig, "ingressConfig"));
    }

    /** Whether /readyz answers ok: synced, and nothing makes it not ready. */
    public boolean serving() {
        return ready && notReady.isEmpty();
    }

    /** The {@link #notReady} line for a listener that failed to bind; {@link #listenerFailed} reads it back. */
    public static String listenerNotReady(String address, String reason) {
        return "listener " + address + ": failed to bind: " + reason;
    }

    /**
     * Whether the listener at {@code address} ({@code ip:port/PROTOCOL}, as {@code ListenKey} prints it) failed to
     * bind: a Service listener with an error, or any listener (Ingress ones too) named in {@link #notReady}.
     */
    public boolean listenerFailed(String address) {
        String prefix = "listener " + address + ": ";
        return listeners.stream().anyMatch(l -> l.address().equals(address) && l.error() != null)
                || notReady.stream().anyMatch(r -> r.startsWith(prefix));
    }

    /** This view with {@code more} reasons for not being ready. */
    public ClusterView withNotReady(List<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(notReady);
        all.addAll(more);
        return new ClusterView(services, endpointSlices, events, nodes, ready, listeners, ingresses, all, ingressConfig);
    }
}
