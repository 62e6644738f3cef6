package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.admin.ClusterView;
import io.kubeway.admin.ListenerStatus;
import io.kubeway.allocate.AllocationResult;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocations;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.Candidate;
import io.kubeway.allocate.IpPool;
import io.kubeway.core.FieldError;
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
import io.kubeway.translate.endpoints.EndpointSliceValidation;
import io.kubeway.translate.service.ServiceDefaults;
import io.kubeway.translate.service.ServiceSupport;
import io.kubeway.translate.service.ServiceValidation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * The control loop: source snapshot → defaulting and validation → allocation → pure translation → data
 * plane. Level-triggered: every sync recomputes everything from the latest snapshot; the data plane applies
 * only the difference. An object that turns invalid keeps its last accepted version, as the API server
 * would have refused the update; its problem becomes a Warning event.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);
    private static final String METALLB_API = "metallb.io/v1beta1";

    private final ControllerConfig config;
    private final ObjectSource source;
    private final Dataplane dataplane;
    private final Allocator allocator;
    private final AllocationStore store;
    private final IngressSync ingress;
    private final EventRecorder events;
    private final SyncRunner runner;
    private final List<Consumer<ClusterSnapshot>> snapshotObservers = new CopyOnWriteArrayList<>();
    private final List<Runnable> syncObservers = new CopyOnWriteArrayList<>();

    private final Timer syncDuration;
    private final Timer syncLatency;
    private volatile ClusterSnapshot latest;
    private volatile long latestAt;
    private volatile int listenerCount;
    private DesiredState lastState = DesiredState.EMPTY;
    private long syncs;
    private long appliedAt;
    private Map<L4Listener, ListenerStatus> statusCache = new java.util.IdentityHashMap<>();
    private volatile ClusterView view = ClusterView.EMPTY;
    private Allocations allocations;
    private Map<NamespacedName, Service> accepted = Map.of();
    private Map<NamespacedName, Checked> checked = Map.of();
    private AllocationMemo allocationMemo = AllocationMemo.NONE;
    private final IncrementalTranslator translator = new IncrementalTranslator();

    public Controller(ControllerConfig config, ObjectSource source, Dataplane dataplane, Allocator allocator,
                      AllocationStore store, IngressSync ingress, MeterRegistry registry, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.source = requireNonNull(source, "source");
        this.dataplane = requireNonNull(dataplane, "dataplane");
        this.allocator = requireNonNull(allocator, "allocator");
        this.store = requireNonNull(store, "store");
        this.ingress = ingress;
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

    /** Called after every sync. */
    public void onSynced(Runnable observer) {
        syncObservers.add(observer);
    }

    public void start() {
        allocations = store.load();
        runner.start();
        source.start(snapshot -> {
            snapshotObservers.forEach(o -> o.accept(snapshot));
            latestAt = System.nanoTime();
            latest = snapshot;
            runner.request();
        });
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
        Map<NamespacedName, String> sources = new HashMap<>();
        Map<ObjectRef, String> uids = new HashMap<>();

        List<Candidate> candidates = new ArrayList<>();
        Map<NamespacedName, Checked> nowChecked = new HashMap<>();
        for (Sourced<Service> s : snap.ofType(Service.class)) {
            NamespacedName nn = NamespacedName.of(s.object());
            sources.put(nn, s.source());
            Service last = accepted.get(nn);
            Checked c = checked.get(nn);
            if (c == null || !c.sameInput(s, last)) {
                c = check(s, last);
            }
            nowChecked.put(nn, c);
            problems.addAll(c.problems());
            if (c.candidate() != null) {
                candidates.add(c.candidate());
            }
        }
        checked = nowChecked;
        long validated = System.nanoTime();
        List<IpPool> pools = new ArrayList<>();
        for (Sourced<GenericKubernetesResource> r : snap.ofType(GenericKubernetesResource.class)) {
            if (METALLB_API.equals(r.object().getApiVersion()) && "IPAddressPool".equals(r.object().getKind())) {
                var parsed = IpPool.fromResource(r.object(), r.source());
                problems.addAll(parsed.problems());
                if (parsed.pool() != null) {
                    pools.add(parsed.pool());
                }
            }
        }
        AllocationResult alloc = allocationMemo.sameInput(candidates, pools, allocations) ? allocationMemo.result()
                : allocator.allocate(candidates, pools, allocations);
        allocationMemo = new AllocationMemo(candidates, pools, alloc);
        long allocated = System.nanoTime();
        problems.addAll(alloc.problems());
        allocations = alloc.next();
        store.save(allocations);
        Map<NamespacedName, Service> nowAccepted = new LinkedHashMap<>();
        for (Service svc : alloc.accepted()) {
            NamespacedName nn = NamespacedName.of(svc);
            Service before = accepted.get(nn);
            // an unchanged service keeps its instance, so the caches downstream (by identity) hit
            nowAccepted.put(nn, svc.equals(before) ? before : svc);
            uids.put(ObjectRef.of(svc), svc.getMetadata().getUid());
        }
        accepted = nowAccepted;
        List<Service> admitted = List.copyOf(nowAccepted.values());

        List<EndpointSlice> userSlices = new ArrayList<>();
        for (Sourced<EndpointSlice> s : snap.ofType(EndpointSlice.class)) {
            List<FieldError> errors = EndpointSliceValidation.validate(s.object(), true); // loopback backends are normal standalone
            if (errors.isEmpty()) {
                userSlices.add(s.object());
            } else {
                problems.add(Problem.invalid(ObjectRef.of(s.object()), s.source(), errors));
            }
        }
        Translation translation = translator.translate(new TranslatorInput(admitted, sources,
                objects(snap, Pod.class), userSlices, objects(snap, Endpoints.class), config.nodeName(),
                config.nodeAddresses()));
        problems.addAll(translation.problems());

        List<EndpointSlice> slices = new ArrayList<>(translation.endpointSlices());
        slices.addAll(userSlices);
        IngressTranslation http = ingress == null ? null : ingress.sync(snap, admitted, slices, problems);
        DesiredState desired = http == null ? translation.state()
                : new DesiredState(translation.state().l4(), http.http());
        long translated = System.nanoTime();
        Map<ListenKey, String> failures = dataplane.apply(desired);
        long applied = System.nanoTime();
        if (newSnapshot) {
            syncLatency.record(applied - changedAt, java.util.concurrent.TimeUnit.NANOSECONDS);
            appliedAt = changedAt;
        }
        listenerCount = translation.state().l4().size() - failures.size();
        failures.forEach((key, reason) -> {
            L4Listener l = translation.state().l4().get(key);
            if (l == null) {
                problems.add(Problem.warning(new ObjectRef("IngressClass", "", ingress == null ? "kubeway" : ingress.className()),
                        null, "ListenFailed", "Ingress listener " + key + " failed: " + reason));
                return;
            }
            NamespacedName nn = l.service().service();
            problems.add(Problem.warning(ObjectRef.of("Service", nn), sources.get(nn), "ListenFailed",
                    l.kind() + " listener " + key + " for " + l.service() + " failed: " + reason));
        });
        events.observe(problems, uids::get);

        List<String> notReady = new ArrayList<>();
        new java.util.TreeMap<>(failures).forEach((key, reason) ->
                notReady.add(ClusterView.listenerNotReady(key.toString(), reason)));
        view = new ClusterView(admitted, slices, events.events(), nodes(snap), true,
                listenerStatuses(translation.state(), failures), http == null ? List.of() : http.handled(), notReady);
        syncDuration.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        boolean changed = !desired.equals(lastState);
        lastState = desired;
        String line = "sync #{}: {} services, {} listeners ({} failed); validate {} ms, allocate {} ms, "
                + "translate {} ms, apply {} ms";
        Object[] args = {++syncs, nowAccepted.size(), translation.state().l4().size(), failures.size(),
                (validated - start) / 1_000_000, (allocated - validated) / 1_000_000,
                (translated - allocated) / 1_000_000, (applied - translated) / 1_000_000};
        if (changed) {
            log.info(line, args);
        } else {
            log.debug(line, args);
        }
        syncObservers.forEach(Runnable::run);
    }

    /**
     * Defaulting and validation of one manifest: the candidate for allocation is the defaulted manifest when
     * valid, else the last accepted version. As with {@code kubectl apply}, fields the user leaves out keep
     * their live values (clusterIP, healthCheckNodePort).
     */
    private static Checked check(Sourced<Service> s, Service last) {
        Service desired = ServiceDefaults.apply(s.object());
        List<FieldError> errors;
        if (last == null) {
            errors = ServiceValidation.validate(desired);
        } else {
            desired = keepLiveFields(desired, last);
            errors = ServiceValidation.validateUpdate(desired, last);
        }
        if (!errors.isEmpty()) {
            return new Checked(s.object(), s.source(), last,
                    last == null ? null : new Candidate(last, last, s.source()),
                    List.of(Problem.invalid(ObjectRef.of(s.object()), s.source(), errors)));
        }
        return new Checked(s.object(), s.source(), last, new Candidate(desired, last, s.source()),
                ServiceSupport.unsupported(desired, s.source()));
    }

    /** The outcome of {@link #check}, kept while its inputs are the same instances. */
    private record Checked(Service manifest, String source, Service last, Candidate candidate, List<Problem> problems) {
        boolean sameInput(Sourced<Service> s, Service lastAccepted) {
            return manifest == s.object() && last == lastAccepted && java.util.Objects.equals(source, s.source());
        }
    }

    /** The last allocation, reused while its inputs are the same instances (allocation is deterministic). */
    private record AllocationMemo(List<Candidate> candidates, List<IpPool> pools, AllocationResult result) {
        static final AllocationMemo NONE = new AllocationMemo(List.of(), List.of(), null);

        boolean sameInput(List<Candidate> now, List<IpPool> nowPools, Allocations previous) {
            if (result == null || previous != result.next() || !pools.equals(nowPools) || now.size() != candidates.size()) {
                return false;
            }
            for (int i = 0; i < now.size(); i++) {
                Candidate a = now.get(i);
                Candidate b = candidates.get(i);
                if (a.desired() != b.desired() || a.lastAccepted() != b.lastAccepted()
                        || !java.util.Objects.equals(a.source(), b.source())) {
                    return false;
                }
            }
            return true;
        }
    }

    private static Service keepLiveFields(Service desired, Service last) {
        var spec = desired.getSpec();
        if ("ExternalName".equals(spec.getType())) {
            return desired;
        }
        boolean unsetIp = spec.getClusterIP() == null || spec.getClusterIP().isEmpty();
        boolean unsetHc = spec.getHealthCheckNodePort() == null && "Local".equals(spec.getExternalTrafficPolicy())
                && "LoadBalancer".equals(spec.getType());
        if (!unsetIp && !unsetHc) {
            return desired;
        }
        ServiceBuilder b = new ServiceBuilder(desired);
        if (unsetIp && last.getSpec().getClusterIP() != null) {
            b.editSpec().withClusterIP(last.getSpec().getClusterIP()).withClusterIPs(last.getSpec().getClusterIPs())
                    .endSpec();
        }
        if (unsetHc && last.getSpec().getHealthCheckNodePort() != null) {
            b.editSpec().withHealthCheckNodePort(last.getSpec().getHealthCheckNodePort()).endSpec();
        }
        return b.build();
    }

    /** The admin view of every listener; statuses of unchanged listeners (same instance) are reused. */
    private List<ListenerStatus> listenerStatuses(DesiredState state, Map<ListenKey, String> failures) {
        Map<L4Listener, ListenerStatus> next = new java.util.IdentityHashMap<>();
        List<ListenerStatus> out = new ArrayList<>(state.l4().size());
        for (L4Listener l : new java.util.TreeMap<>(state.l4()).values()) {
            String failure = failures.get(l.key());
            ListenerStatus st = statusCache.get(l);
            if (st == null || !java.util.Objects.equals(st.error(), failure)) {
                st = new ListenerStatus(l.key().toString(), l.kind(), l.service().toString(), l.cluster().name(),
                        l.cluster().endpoints().stream().map(e -> e + " " + e.target()).toList(), failure);
            }
            next.put(l, st);
            out.add(st);
        }
        statusCache = next;
        return out;
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> List<T> objects(ClusterSnapshot snap,
                                                                                           Class<T> type) {
        return snap.ofType(type).stream().map(Sourced::object).toList();
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
