package io.kubeway.source.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubeway.core.NamespacedName;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ObjectSource;
import io.kubeway.source.SourcedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Objects from a Kubernetes API server, through fabric8 informers (list, then watch; relist after a 410 Gone;
 * reconnect with backoff after the API server restarts). The same {@link ObjectSource} contract as the file
 * source: the first snapshot once every informer has listed, then one after each change, coalesced.
 *
 * <p>Snapshots list objects in a deterministic order (by {@link WatchedKind} rank, then namespace and name),
 * not the informer stores' hash order, so the incremental stages downstream see the same order every time.
 * An object whose {@code resourceVersion} did not change keeps its instance (a relist hands over new
 * instances of every object), so the stages that compare by identity redo only what changed.
 *
 * <p>Secrets are not all watched: only those the Ingresses name ({@link SecretReferences}), each with an
 * informer of its own, started and stopped as Ingresses come and go (ingress-nginx watches every Secret; a
 * proxy that reads every Secret of a cluster holds far more than it needs, and needs a wider RBAC rule).
 */
public final class KubeSource implements ObjectSource {
    private static final Logger log = LoggerFactory.getLogger(KubeSource.class);

    /** MetalLB's IPAddressPool resource (read from Kubeway's own namespace). */
    public static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext IP_ADDRESS_POOLS =
            WatchedKind.POOLS;
    /** MetalLB's L2Advertisement resource (read from Kubeway's own namespace). */
    public static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext L2_ADVERTISEMENTS =
            WatchedKind.L2_ADVERTISEMENTS;

    /** The label of the node heartbeat Leases every proxy renews (see io.kubeway.cluster.NodeLease). */
    public static final String NODE_LEASE_LABEL = "kubeway.io/node-lease";

    /**
     * What an instance reads, by role: the proxy reads what kube-proxy reads plus what layer-2 announcement needs
     * (node leases, MetalLB pools and L2Advertisements); the load-balancer controller Services and pools; the
     * Ingress controller Ingresses, IngressClasses, the Secrets they name, the Nodes (its status addresses behind a
     * wildcard listener), and the Services and EndpointSlices
     * behind them. Reading less than all keeps each ServiceAccount's RBAC to what its role uses.
     */
    public record Reads(boolean proxy, boolean loadBalancer, boolean ingress) {
        public static final Reads ALL = new Reads(true, true, true);

        Set<WatchedKind> kinds() {
            Set<WatchedKind> out = java.util.EnumSet.noneOf(WatchedKind.class);
            if (proxy) {
                out.addAll(List.of(WatchedKind.NODE, WatchedKind.SERVICE, WatchedKind.ENDPOINT_SLICE,
                        WatchedKind.NODE_LEASE, WatchedKind.IP_ADDRESS_POOL, WatchedKind.L2_ADVERTISEMENT));
            }
            if (loadBalancer) {
                out.addAll(List.of(WatchedKind.SERVICE, WatchedKind.IP_ADDRESS_POOL));
            }
            if (ingress) {
                out.addAll(List.of(WatchedKind.SERVICE, WatchedKind.ENDPOINT_SLICE, WatchedKind.INGRESS_CLASS,
                        WatchedKind.INGRESS, WatchedKind.SECRET, WatchedKind.NODE)); // NODE: status addresses
            }
            return out;
        }
    }

    private final KubernetesClient client;
    private final String ownNamespace;
    private final Set<WatchedKind> kinds;
    private final WatchHealth health;
    private final List<Watch> watches = new ArrayList<>();
    private final Map<NamespacedName, Watch> secretWatches = new HashMap<>();
    private List<NamespacedName> configMaps = List.of();
    /** The watches whose initial list has reached {@link #objects} (see {@link #listed}). */
    private final Set<Watch> caughtUp = new java.util.HashSet<>();
    /** Every object held, in snapshot order; written by informer threads, read by the publisher. */
    private final ConcurrentSkipListMap<SnapshotKey, SourcedObject> objects = new ConcurrentSkipListMap<>();
    private final AtomicBoolean publishPending = new AtomicBoolean();
    /** Counts changes to {@link #objects}; a publish with no change since the last one hands over nothing. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private long publishedChanges = -1;
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kube-source").daemon().factory());
    private volatile Consumer<ClusterSnapshot> onChange;
    private volatile boolean closed;

    /**
     * @param client       a client for the API server (kubeconfig or in-cluster service account)
     * @param ownNamespace Kubeway's own namespace: where MetalLB's IPAddressPools and L2Advertisements are read
     */
    public KubeSource(KubernetesClient client, String ownNamespace, Clock clock) {
        this(client, ownNamespace, Reads.ALL, clock);
    }

    public KubeSource(KubernetesClient client, String ownNamespace, Reads reads, Clock clock) {
        this.kinds = requireNonNull(reads, "reads").kinds();
        this.client = requireNonNull(client, "client");
        this.ownNamespace = requireNonNull(ownNamespace, "ownNamespace");
        this.health = new WatchHealth(requireNonNull(clock, "clock"));
    }

    /**
     * Also reads these ConfigMaps, each by name (the controller ConfigMap of {@code --configmap}); call before
     * {@link #start}. Only one named ConfigMap is read, never all of them.
     */
    public synchronized KubeSource watchConfigMaps(java.util.Collection<NamespacedName> names) {
        configMaps = List.copyOf(names);
        return this;
    }

    @Override
    public synchronized void start(Consumer<ClusterSnapshot> onChange) {
        this.onChange = requireNonNull(onChange, "onChange");
        for (NamespacedName nn : configMaps) {
            watches.add(startWatch(WatchedKind.CONFIG_MAP, "configmap " + nn,
                    client.configMaps().inNamespace(nn.namespace()).withName(nn.name()).runnableInformer(0)));
        }
        for (WatchedKind kind : kinds) {
            if (kind == WatchedKind.SECRET || kind == WatchedKind.CONFIG_MAP) {
                continue; // per referenced Secret, see refreshSecretWatches; ConfigMaps above
            }
            SharedIndexInformer<? extends HasMetadata> informer = kind.informer(client, ownNamespace);
            watches.add(startWatch(kind, kind.describe(ownNamespace), informer));
        }
    }

    private Watch startWatch(WatchedKind kind, String what, SharedIndexInformer<? extends HasMetadata> informer) {
        Watch watch = new Watch(kind, what, informer);
        informer.exceptionHandler((started, t) -> {
            health.failed(what, t);
            return !closed; // keep retrying (fabric8 backs off) until closed
        });
        addHandler(informer, kind);
        informer.start().whenComplete((ok, err) -> {
            if (err == null) {
                health.listed(what);
                log.info("listed {}: {} object(s)", what, informer.getStore().list().size());
            }
            requestPublish();
        });
        return watch;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void addHandler(SharedIndexInformer informer, WatchedKind kind) {
        informer.addEventHandler(new ResourceEventHandler<HasMetadata>() {
            @Override
            public void onAdd(HasMetadata obj) {
                put(kind, obj);
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                put(kind, newObj);
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                if (kind != WatchedKind.NODE_LEASE && objects.remove(SnapshotKey.of(kind, obj)) != null) {
                    changes.incrementAndGet();
                }
                requestPublish();
            }
        });
    }

    private void put(WatchedKind kind, HasMetadata obj) {
        if (kind == WatchedKind.NODE_LEASE) {
            return; // heartbeats: read live through nodeLeases(), never a reason for a new snapshot
        }
        SnapshotKey key = SnapshotKey.of(kind, obj);
        SourcedObject held = objects.get(key);
        HasMetadata before = held == null ? null : held.object();
        if (before != null && sameVersion(before, obj)) {
            return; // a relist or resync of an unchanged object: keep the instance downstream caches know
        }
        objects.put(key, new SourcedObject(obj, null)); // made once per version, not once per snapshot
        changes.incrementAndGet();
        requestPublish();
    }

    private static boolean sameVersion(HasMetadata a, HasMetadata b) {
        String va = a.getMetadata().getResourceVersion();
        return va != null && va.equals(b.getMetadata().getResourceVersion())
                && java.util.Objects.equals(a.getMetadata().getUid(), b.getMetadata().getUid());
    }

    /** Coalesces: any number of events while a publish is pending make one snapshot. */
    private void requestPublish() {
        if (closed || !publishPending.compareAndSet(false, true)) {
            return;
        }
        publisher.execute(() -> {
            publishPending.set(false);
            try {
                publish();
            } catch (Throwable t) { // no Throwable stops the publisher; the next event publishes again
                log.error("building a snapshot from the API server failed; keeping the last one", t);
            }
        });
    }

    private void publish() {
        refreshSecretWatches();
        long seen = changes.get();
        if (!allListed() || seen == publishedChanges) {
            return; // nothing before every initial list has arrived; nothing when nothing changed
        }
        publishedChanges = seen;
        onChange.accept(new ClusterSnapshot(new ArrayList<>(objects.values()), List.of()));
    }

    private synchronized boolean allListed() {
        for (Watch w : watches) {
            if (!listed(w)) {
                return false;
            }
        }
        for (Watch w : secretWatches.values()) {
            if (!listed(w)) {
                return false;
            }
        }
        return !watches.isEmpty();
    }

    /**
     * Whether a watch's initial list has reached {@link #objects}. An informer counts as synced once its store holds
     * the list, but fabric8 hands the listed objects to the event handlers afterwards, on another thread: until every
     * object of the store has arrived here, a snapshot would lack some (Services without their endpoints, and
     * /readyz saying ready). Checked until it first holds; the handler's next put asks for a publish again.
     */
    private boolean listed(Watch w) {
        if (caughtUp.contains(w)) {
            return true;
        }
        if (!w.informer().hasSynced()) {
            return false;
        }
        if (w.kind() != WatchedKind.NODE_LEASE) {
            for (HasMetadata obj : w.informer().getStore().list()) {
                if (!objects.containsKey(SnapshotKey.of(w.kind(), obj))) {
                    return false;
                }
            }
        }
        caughtUp.add(w);
        return true;
    }

    /** Starts a watch for each Secret an Ingress names and stops those no Ingress names any more. */
    private synchronized void refreshSecretWatches() {
        if (closed || !kinds.contains(WatchedKind.SECRET)) {
            return;
        }
        Set<NamespacedName> wanted = new TreeSet<>();
        for (SourcedObject obj : objects.subMap(SnapshotKey.first(WatchedKind.INGRESS.rank()),
                SnapshotKey.first(WatchedKind.INGRESS.rank() + 1)).values()) {
            wanted.addAll(SecretReferences.of((Ingress) obj.object()));
        }
        secretWatches.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) {
                return false;
            }
            e.getValue().informer().close();
            caughtUp.remove(e.getValue());
            health.forget(e.getValue().what());
            if (objects.remove(new SnapshotKey(WatchedKind.SECRET.rank(), e.getKey().namespace(), e.getKey().name())) != null) {
                changes.incrementAndGet();
            }
            return true;
        });
        for (NamespacedName nn : wanted) {
            if (!secretWatches.containsKey(nn)) {
                SharedIndexInformer<Secret> informer = client.secrets().inNamespace(nn.namespace()).withName(nn.name())
                        .runnableInformer(0);
                secretWatches.put(nn, startWatch(WatchedKind.SECRET, "secret " + nn, informer));
            }
        }
    }

    /**
     * The node heartbeat Leases as last seen (renewed every few seconds by every proxy: kept out of the snapshots,
     * which would otherwise be rebuilt on every renewal).
     */
    @SuppressWarnings("unchecked")
    public synchronized List<io.fabric8.kubernetes.api.model.coordination.v1.Lease> nodeLeases() {
        for (Watch w : watches) {
            if (w.kind() == WatchedKind.NODE_LEASE) {
                return List.copyOf((List<io.fabric8.kubernetes.api.model.coordination.v1.Lease>) w.informer().getStore().list());
            }
        }
        return List.of();
    }

    /** Why this source cannot deliver changes: watches that are down, lists that never arrived, permissions. */
    @Override
    public synchronized List<String> stalled() {
        List<String> out = new ArrayList<>();
        for (Watch w : watches) {
            health.describe(w.what(), w.informer().hasSynced(), w.informer().isWatching()).ifPresent(out::add);
        }
        for (Watch w : secretWatches.values()) {
            health.describe(w.what(), w.informer().hasSynced(), w.informer().isWatching()).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        watches.forEach(w -> w.informer().close());
        secretWatches.values().forEach(w -> w.informer().close());
        publisher.shutdownNow();
    }

    private record Watch(WatchedKind kind, String what, SharedIndexInformer<? extends HasMetadata> informer) {
    }
}
