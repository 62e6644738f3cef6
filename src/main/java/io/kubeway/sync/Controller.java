package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.admin.ClusterView;
import io.kubeway.admin.LazyList;
import io.kubeway.admission.Admission;
import io.kubeway.admission.Admitted;
import io.kubeway.admin.ListenerStatus;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ClusterSnapshot.Sourced;
import io.kubeway.source.ObjectSource;
import io.kubeway.state.DesiredState;
import io.kubeway.state.L4Listener;
import io.kubeway.state.ListenKey;
import io.kubeway.translate.Translation;
import io.kubeway.translate.IncrementalTranslator;
import io.kubeway.translate.ingress.IngressTranslation;
import io.kubeway.translate.TranslatorInput;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The control loop: source snapshot → admission ({@link Admission}) → pure translation → data
 * plane. Level-triggered: every sync starts from the latest snapshot, but each stage does work only for what changed
 * since the last one (sources keep unchanged objects' instances in a stable order; see
 * {@link IncrementalTranslator}), the data plane applies only the listeners whose keys the translation touched, and
 * the admin listener view is sorted only when read. An object that turns invalid keeps its last accepted version, as the API server
 * would have refused the update; its problem becomes a Warning event.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    static final String METALLB_API = "metallb.io/v1beta1";

    private final ControllerConfig config;
    private final ObjectSource source;
    private final Dataplane dataplane;
    private final Admission admission;
    private final IngressSync ingress;
    private final EventRecorder events;
    private final SyncRunner runner;
    private final List<Consumer<ClusterSnapshot>> snapshotObservers = new CopyOnWriteArrayList<>();
    private final List<Runnable> syncObservers = new CopyOnWriteArrayList<>();
    private final Map<String, List<Problem>> reported = new java.util.concurrent.ConcurrentHashMap<>();

    private final Timer syncDuration;
    private final Timer syncLatency;
    private volatile ClusterSnapshot latest;
    private volatile long latestAt;
    private volatile int listenerCount;
    private DesiredState lastState = DesiredState.EMPTY;
    private long syncs;
    private long appliedAt;
    private volatile List<ListenerStatus> listenerView;
    private volatile Map<ListenKey, L4Listener> listenerViewOf;
    private volatile Map<ListenKey, String> listenerViewFailures = Map.of();
    private volatile ClusterView view = ClusterView.EMPTY;
    private volatile List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> handled = List.of();
    private final IncrementalTranslator translator = new IncrementalTranslator();
    private final UnservedObjects unserved;

    public Controller(ControllerConfig config, ObjectSource source, Admission admission, Dataplane dataplane,
                      IngressSync ingress, MeterRegistry registry, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.source = requireNonNull(source, "source");
        this.dataplane = requireNonNull(dataplane, "dataplane");
        this.admission = requireNonNull(admission, "admission");
        this.ingress = ingress;
        this.unserved = new UnservedObjects(ingress == null ? java.util.Set.of() : ingress.configMaps());
        this.events = new EventRecorder(clock, config.nodeName(), 1000);
        this.syncDuration = Timer.builder("kubeway_sync_duration").description("one full sync")
                .publishPercentileHistogram().register(registry);
        this.syncLatency = Timer.builder("kubeway_sync_latency")
                .description("from a changed snapshot to the data plane having applied it")
                .publishPercentileHistogram().register(registry);
        registry.gauge("kubeway_listeners", this, c -> c.listenerCount);
        this.runner = new SyncRunner("sync", this::sync, config.minSyncInterval(), config.resyncInterval(),
                Duration.ofSeconds(1));
    }

    /** Called with every new snapshot, before it is translated (used to start demo backends). */
    public void onSnapshot(Consumer<ClusterSnapshot> observer) {
        snapshotObservers.add(observer);
    }

    /**
     * Problems found outside the node loop (the leader loop's allocation failures, status write errors), shown as
     * events with the next sync's own; a changed set asks for a sync.
     */
    public void report(String origin, List<Problem> problems) {
        List<Problem> copy = List.copyOf(problems);
        List<Problem> before = reported.put(origin, copy);
        if (!copy.equals(before == null ? List.of() : before)) {
            runner.request();
        }
    }

    /** Called after every sync. */
    public void onSynced(Runnable observer) {
        syncObservers.add(observer);
    }

    public void start() {
        runner.start();
        source.start(snapshot -> {
            snapshotObservers.forEach(o -> o.accept(snapshot));
            latestAt = System.nanoTime();
            latest = snapshot;
            runner.request();
        });
    }

    /** The Ingresses of our class the last sync handled, with the status they should have (not the others). */
    public List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> handledIngresses() {
        return handled;
    }

    /** What the control plane decided, for the admin API. */
    public ClusterView view() {
        return view.withNotReady(source.stalled());
    }

    /** One full sync; runs on the runner's thread only. */
    void sync() {
        long changedAt = latestAt;
        ClusterSnapshot snap = latest;
        if (snap == null) {
            return; // nothing is programmed before the first complete snapshot
        }
        long start = System.nanoTime();
        boolean newSnapshot = changedAt != appliedAt;
        List<Problem> problems = new ArrayList<>(snap.problems());
        problems.addAll(unserved.of(snap));

        Admitted admitted = admission.admit(snap);
        long admittedAt = System.nanoTime();
        problems.addAll(admitted.problems());
        Map<NamespacedName, String> sources = admitted.sources();
        List<EndpointSlice> userSlices = admitted.slices();
        Translation translation = translator.translate(new TranslatorInput(admitted.services(), sources,
                objects(snap, Pod.class), userSlices, objects(snap, Endpoints.class), config.nodeName(),
                config.nodeAddresses(), admission.derivesEndpointSlices()));
        problems.addAll(translation.problems());

        List<EndpointSlice> slices = userSlices; // in a cluster nothing is derived: the same list, not a copy
        if (!translation.endpointSlices().isEmpty()) {
            slices = new ArrayList<>(translation.endpointSlices());
            slices.addAll(userSlices);
        }
        IngressTranslation http = ingress == null ? null : ingress.sync(snap, admitted.services(), slices, problems);
        // Exposed TCP/UDP services (tcp/udp-services ConfigMaps) join the Services' listeners; the merged map has no
        // delta, so the data planes diff it in full (only when such ConfigMaps expose something).
        DesiredState desired = http == null ? translation.state()
                : http.l4().isEmpty() ? translation.state().withHttp(http.http())
                : new DesiredState(IngressSync.withExposed(translation.state().l4(), http.l4(), problems), http.http());
        long translated = System.nanoTime();
        Map<ListenKey, String> failures = dataplane.apply(desired);
        long applied = System.nanoTime();
        if (newSnapshot) {
            syncLatency.record(applied - changedAt, java.util.concurrent.TimeUnit.NANOSECONDS);
            appliedAt = changedAt;
        }
        listenerCount = translation.state().l4().size() - failures.size();
        failures.forEach((key, reason) -> {
            L4Listener l = desired.l4().get(key);
            if (l == null) {
                problems.add(Problem.warning(new ObjectRef("IngressClass", "", ingress == null ? "kubeway" : ingress.className()),
                        null, "ListenFailed", "Ingress listener " + key + " failed: " + reason));
                return;
            }
            NamespacedName nn = l.service().service();
            problems.add(Problem.warning(ObjectRef.of("Service", nn), sources.get(nn), "ListenFailed",
                    l.kind() + " listener " + key + " for " + l.service() + " failed: " + reason));
        });
        reported.values().forEach(problems::addAll);
        events.observe(problems, uids(admitted.services()));

        List<String> notReady = new ArrayList<>();
        new java.util.TreeMap<>(failures).forEach((key, reason) ->
                notReady.add(ClusterView.listenerNotReady(key.toString(), reason)));
        handled = http == null ? List.of() : http.handled();
        view = new ClusterView(admitted.services(), slices, events.events(), nodes(snap), true,
                listenerView(desired, failures), http == null ? List.of() : ingresses(http), notReady,
                ingress == null ? List.of() : IngressConfigView.of(ingress.controllerConfig()));
        syncDuration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        boolean changed = desired.l4() != lastState.l4() || !desired.http().equals(lastState.http());
        lastState = desired;
        String line = "sync #{}: {} services, {} listeners ({} failed); admit {} ms, "
                + "translate {} ms, apply {} ms";
        Object[] args = {++syncs, admitted.services().size(), translation.state().l4().size(), failures.size(),
                (admittedAt - start) / 1_000_000, (translated - admittedAt) / 1_000_000, (applied - translated) / 1_000_000};
        if (changed) {
            log.info(line, args);
        } else {
            log.debug(line, args);
        }
        syncObservers.forEach(Runnable::run);
    }

    /**
     * The admin view of every listener, sorted by address when first read (on request, not per sync) and kept while
     * the listeners and their failures stay the same.
     */
    private List<ListenerStatus> listenerView(DesiredState state, Map<ListenKey, String> failures) {
        if (listenerView != null && state.l4() == listenerViewOf && failures.equals(listenerViewFailures)) {
            return listenerView;
        }
        Map<ListenKey, L4Listener> l4 = state.l4();
        Map<ListenKey, String> failed = Map.copyOf(failures);
        listenerViewOf = l4;
        listenerViewFailures = failed;
        listenerView = new LazyList<>(() -> {
            List<ListenerStatus> out = new ArrayList<>(l4.size());
            for (L4Listener l : new java.util.TreeMap<>(l4).values()) {
                out.add(status(l, failed.get(l.key())));
            }
            return out;
        });
        return listenerView;
    }

    private static ListenerStatus status(L4Listener l, String failure) {
        return new ListenerStatus(l.key().toString(), l.kind(), l.service().toString(), l.cluster().name(),
                l.cluster().endpoints().stream().map(e -> e + " " + e.target()).toList(), failure);
    }

    /**
     * One listener as the admin view shows it, looked up in the last applied state without building the sorted list
     * (the in-cluster benchmark watches one listener per update); null when there is no such listener.
     */
    public ListenerStatus listenerStatus(ListenKey key) {
        Map<ListenKey, L4Listener> l4 = listenerViewOf;
        Map<ListenKey, String> failed = listenerViewFailures;
        L4Listener l = l4 == null ? null : l4.get(key);
        return l == null ? null : status(l, failed.get(key));
    }

    /** Looks up the uid of a problem's object among the Services, building the index only when an event needs one. */
    private static java.util.function.Function<ObjectRef, String> uids(List<Service> services) {
        Map<ObjectRef, String> index = new HashMap<>();
        return ref -> {
            if (index.isEmpty()) {
                for (Service svc : services) {
                    index.put(ObjectRef.of(svc), svc.getMetadata().getUid());
                }
            }
            return index.get(ref);
        };
    }

    /** Every Ingress, as kubectl lists them: ours with their status, then the other classes' as read. */
    private static List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> ingresses(IngressTranslation http) {
        if (http.others().isEmpty()) return http.handled();
        List<io.fabric8.kubernetes.api.model.networking.v1.Ingress> all = new ArrayList<>(http.handled());
        all.addAll(http.others());
        return all;
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<T> objects(ClusterSnapshot snap,
                                                                                           Class<T> type) {
        return snap.objectsOf(type);
    }

    private List<Node> nodes(ClusterSnapshot snap) {
        List<Node> nodes = objects(snap, Node.class);
        return nodes.isEmpty() ? List.of(LocalNode.of(config.nodeName(), config.nodeAddresses())) : nodes;
    }

    @Override
    public void close() {
        runner.close();
        source.close();
    }
}
