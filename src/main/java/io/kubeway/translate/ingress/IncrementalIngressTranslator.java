package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.kubeway.core.ListChanges;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.state.http.HttpCluster;
import io.kubeway.state.http.TlsCertificate;
import io.kubeway.translate.SliceGroups;
import org.jspecify.annotations.Nullable;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives exactly what {@link IngressTranslator#translate} gives, but does the work only when a change can alter it, in
 * the manner of the node loop's {@code IncrementalTranslator}: sources keep an unchanged object's instance in a stable
 * order, so {@link ListChanges} finds what changed with a pointer comparison per object.
 * <ul>
 *   <li>EndpointSlices are regrouped by Service only where they changed ({@link SliceGroups}, the node loop's);</li>
 *   <li>the translation is a pure function of its input and looks Services (object and slices) and Secrets up by name
 *       ({@link IngressReads}); when no Ingress, IngressClass, controller ConfigMap setting or this node's Node
 *       changed, and none of the changed Services, slices and Secrets is one the last translation looked up (found or
 *       not), the last result is the full translation's result, and is handed back as it was;</li>
 *   <li>when only the slices of Services some Ingress uses changed, and none of their clusters went from no
 *       endpoint to some or back (which can change a route's backend and its warnings), the clusters made from those
 *       slices are made again and swapped into the last result ({@link ClusterSwap}): only the hosts that use them
 *       are rebuilt and compiled again ({@code RouteTable.derive});</li>
 *   <li>an Ingress added, edited or removed: the Ingresses it shares a host with (and whatever else makes their
 *       translations meet: {@link HostGroups}) are translated again, and their part of the last result replaced;</li>
 *   <li>otherwise everything is translated again (an IngressClass, a controller setting, a Secret or a Service
 *       object some Ingress uses, an endpoint set becoming empty or no longer empty).</li>
 * </ul>
 * The result's problems are the full translation's (in another order after a group translation): the caller reports them again with every sync, so the event
 * recorder sees the same set and neither repeats nor loses an event.
 *
 * <p>Objects handed in must not be mutated afterwards. Not thread-safe: one sync thread calls it.
 */
public final class IncrementalIngressTranslator {
    private final java.util.function.Function<Secret, TlsSecrets.Result> tlsParser;
    private final SliceGroups groups = new SliceGroups(e -> List.of());
    private final Map<NamespacedName, List<EndpointSlice>> slicesByService = new SliceView(groups);
    private List<EndpointSlice> previousSlices = List.of();
    /** Services whose slices changed since the last translation. */
    private Set<NamespacedName> changed = new java.util.HashSet<>();
    private List<Service> previousServices = List.of();
    private List<Secret> previousSecrets = List.of();
    private List<Sourced<Ingress>> previousIngresses = List.of();
    private List<IngressClass> previousClasses = List.of();
    private @Nullable Node previousNode;
    private @Nullable ControllerConfig previousConfig;
    private @Nullable IngressOptions previousOptions;
    private @Nullable TlsCertificate previousCertificate;
    private @Nullable IngressTranslation last;
    private IngressReads reads = new IngressReads();
    private long translations;
    /**
     * Group translations since the last full one: each adds what it read to {@link #reads} (a superset of what the
     * result depends on, which can only make more changes translate), so a full translation now and then keeps it
     * small.
     */
    private int groupRuns;
    private long groupTotal;
    private static final int MAX_GROUP_RUNS = 1000;
    private HostGroups hostGroups = new HostGroups();
    private long swaps;

    public IncrementalIngressTranslator() {
        this(TlsSecrets::parse);
    }

    /** @param tlsParser {@link TlsSecrets#parse}, or the caller's cache of it (by Secret instance) */
    public IncrementalIngressTranslator(java.util.function.Function<Secret, TlsSecrets.Result> tlsParser) {
        this.tlsParser = tlsParser;
    }

    /**
     * The translation of {@code in} (whose {@code slicesByService} is ignored) with {@code slices}, every
     * EndpointSlice of the cluster.
     */
    public IngressTranslation translate(List<Sourced<Ingress>> ingresses, List<IngressClass> classes,
                                        List<Sourced<Secret>> secrets, List<Service> services,
                                        List<EndpointSlice> slices, TlsCertificate defaultCertificate,
                                        IngressOptions options, ControllerConfig config, List<Node> nodes) {
        slicesByService(slices);
        Set<NamespacedName> sliceChanges = changed;
        changed = new java.util.HashSet<>();
        ListChanges<Service> svc = ListChanges.between(previousServices, services);
        previousServices = services;
        Set<NamespacedName> changedServices = new java.util.HashSet<>();
        svc.removed().forEach(s -> changedServices.add(NamespacedName.of(s)));
        svc.added().forEach(s -> changedServices.add(NamespacedName.of(s)));
        List<Secret> secretObjects = secrets.stream().map(Sourced::object).toList();
        ListChanges<Secret> sec = ListChanges.between(previousSecrets, secretObjects);
        previousSecrets = secretObjects;
        Node node = node(nodes, options.nodeName());

        boolean same = last != null && sameObjects(previousClasses, classes)
                && node == previousNode && options.equals(previousOptions) && defaultCertificate == previousCertificate
                && config.equals(previousConfig) && !readsAny(reads.services(), changedServices)
                && !readsAny(reads.secrets(), sec.removed()) && !readsAny(reads.secrets(), sec.added())
                && endpointsOnly(sliceChanges);
        List<Sourced<Ingress>> before = previousIngresses;
        previousIngresses = ingresses;
        previousClasses = classes;
        previousNode = node;
        previousOptions = options;
        previousCertificate = defaultCertificate;
        previousConfig = config;
        if (same && sameSourced(before, ingresses)) return last;
        if (same && groupRuns < MAX_GROUP_RUNS) {
            groupRuns++;
            groupTotal++;
            last = hostGroups.update(last, before, ingresses, members -> {
                IngressReads partReads = new IngressReads();
                IngressTranslation part = IngressTranslator.translate(new IngressInput(members, classes, secrets,
                        services, slicesByService, defaultCertificate, options, config, nodes), partReads, tlsParser);
                reads.merge(partReads);
                return part;
            });
            return last;
        }
        groupRuns = 0;
        hostGroups = new HostGroups();
        reads = new IngressReads();
        translations++;
        last = IngressTranslator.translate(new IngressInput(ingresses, classes, secrets, services, slicesByService,
                defaultCertificate, options, config, nodes), reads, tlsParser);
        return last;
    }

    /**
     * The slices of each Service, regrouped where {@code slices} changed since the last call (looked up by name; not
     * iterable). Valid until the next call.
     */
    public Map<NamespacedName, List<EndpointSlice>> slicesByService(List<EndpointSlice> slices) {
        changed.addAll(groups.apply(ListChanges.between(previousSlices, slices), ListChanges.none()));
        previousSlices = slices;
        return slicesByService;
    }

    /**
     * Whether the slice changes of {@code services} leave every route's choice as it was, replacing only endpoint
     * lists: then {@link #last} gets the new clusters ({@link ClusterSwap}). A cluster that becomes empty, or stops
     * being empty, can change a route's backend ({@code default-backend}) and its warnings: not here.
     */
    private boolean endpointsOnly(Set<NamespacedName> services) {
        Map<HttpCluster, HttpCluster> replaced = new java.util.IdentityHashMap<>();
        BackendResolver resolver = reads.resolver();
        for (NamespacedName nn : services) {
            List<BackendResolver.SliceCluster> built = reads.fromSlices().get(nn);
            if (built == null) continue; // not used, or not through its slices
            List<EndpointSlice> now = groups.of(nn);
            for (int i = 0; i < built.size(); i++) {
                BackendResolver.SliceCluster sc = built.get(i);
                HttpCluster c = sc.cluster();
                List<io.kubeway.state.Endpoint> eps = resolver.endpoints(now, sc.portName());
                if (eps.isEmpty() != c.endpoints().isEmpty()) return false;
                if (eps.equals(c.endpoints())) continue;
                HttpCluster n = new HttpCluster(c.name(), eps, c.protocol(), c.tls());
                replaced.put(c, n);
                built.set(i, new BackendResolver.SliceCluster(n, sc.portName()));
            }
        }
        if (!replaced.isEmpty()) {
            swaps++;
            last = new IngressTranslation(new ClusterSwap(replaced).apply(last.http()), last.handled(), last.others(),
                    last.problems(), last.l4());
        }
        return true;
    }

    /** How many times everything was translated (the first time included): a test sees what was reused. */
    public long translations() {
        return translations;
    }

    /** How many times a group of Ingresses was translated instead of all of them. */
    public long groupTranslations() {
        return groupTotal;
    }

    /** How many times endpoint changes were swapped into the last result without translating. */
    public long swaps() {
        return swaps;
    }

    private static boolean readsAny(Set<NamespacedName> read, Collection<NamespacedName> changed) {
        for (NamespacedName nn : changed) {
            if (read.contains(nn)) return true;
        }
        return false;
    }

    private static boolean readsAny(Set<NamespacedName> read, List<Secret> changed) {
        for (Secret s : changed) {
            if (read.contains(NamespacedName.of(s))) return true;
        }
        return false;
    }

    /** The first Node named {@code name}: the only one the status addresses read. */
    private static @Nullable Node node(List<Node> nodes, String name) {
        for (Node n : nodes) {
            if (n.getMetadata() != null && name.equals(n.getMetadata().getName())) return n;
        }
        return null;
    }

    private static <T> boolean sameObjects(List<T> a, List<T> b) {
        if (a == b) return true;
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) return false;
        }
        return true;
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> boolean sameSourced(List<Sourced<T>> a,
                                                                                              List<Sourced<T>> b) {
        if (a == b) return true;
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).object() != b.get(i).object()
                    || !java.util.Objects.equals(a.get(i).source(), b.get(i).source())) {
                return false;
            }
        }
        return true;
    }

    /** The slices of each Service as {@link SliceGroups} holds them, looked up by name (never iterated). */
    private static final class SliceView extends AbstractMap<NamespacedName, List<EndpointSlice>> {
        private final SliceGroups groups;

        SliceView(SliceGroups groups) {
            this.groups = groups;
        }

        @Override
        public List<EndpointSlice> get(Object key) {
            return key instanceof NamespacedName nn ? groups.of(nn) : null;
        }

        @Override
        public List<EndpointSlice> getOrDefault(Object key, List<EndpointSlice> dflt) {
            return get(key);
        }

        @Override
        public Set<Entry<NamespacedName, List<EndpointSlice>>> entrySet() {
            throw new UnsupportedOperationException("slices are looked up by Service");
        }
    }
}
