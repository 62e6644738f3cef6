package io.kubeway;

import io.kubeway.admin.AdminServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubeway.admission.Admission;
import io.kubeway.admission.ApiServerAdmission;
import io.kubeway.allocate.LoadBalancerIps;
import io.kubeway.cluster.ApiEvents;
import io.kubeway.cluster.ApiStatusWriter;
import io.kubeway.cluster.IngressStatusController;
import io.kubeway.cluster.KubeClients;
import io.kubeway.cluster.LeaderElection;
import io.kubeway.cluster.LeaderLoop;
import io.kubeway.cluster.LoadBalancerController;
import io.kubeway.cluster.NodeAgent;
import io.kubeway.dataplane.host.ServiceAddresses;
import io.kubeway.source.ObjectSource;
import io.kubeway.source.kube.KubeSource;
import java.util.ArrayList;
import io.kubeway.admin.ClusterView;
import io.kubeway.admission.StandaloneAdmission;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.AllocatorConfig;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.CompositeDataplane;
import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.dataplane.Dataplane;
import io.kubeway.dataplane.http.HttpDataplane;
import io.kubeway.dataplane.http.HttpEngineConfig;
import io.kubeway.dataplane.proxy.ProxyConfig;
import io.kubeway.state.ListenKey;
import io.kubeway.sync.IngressSync;
import io.kubeway.tls.DefaultCertificate;
import io.kubeway.translate.ingress.IngressOptions;
import io.kubeway.state.DesiredState;
import java.util.List;
import java.util.Map;
import io.kubeway.dataplane.proxy.ProxyDataplane;
import io.kubeway.echo.DemoBackends;
import io.kubeway.source.file.FileSource;
import io.kubeway.source.file.ManifestLimits;
import io.kubeway.sync.Controller;
import io.kubeway.sync.ControllerConfig;
import io.kubeway.warmup.StartupWarmUp;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running Kubeway: the file source, the controller, the userspace proxy data plane, demo backends and
 * the admin API, wired together. {@code kubeway run} and the integration tests both start it this way.
 */
public final class KubewayServer implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KubewayServer.class);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProxyDataplane dataplane;
    private HttpDataplane http;
    private final Controller controller;
    private final DemoBackends demoBackends = new DemoBackends();
    private final AdminServer admin;
    private StartupWarmUp warmUp;
    private KubernetesClient client;
    private LeaderLoop leader;
    private NodeAgent nodeAgent;
    private KubeSource kubeSource;
    private final StateDirLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private KubewayServer(KubewayOptions o, Clock clock) {
        // first: a second instance on this state dir must stop before it binds or writes anything
        lock = StateDirLock.acquire(o.stateDir());
        new JvmMemoryMetrics().bindTo(registry);
        ClusterSettings cluster = o.cluster();
        log.info("fd limit {}: at most {} client connections per listener, {} backend connects in flight per Ingress "
                + "listener and {} per client connection", ConnectionLimits.fdLimit(), o.limits().maxClientConnections(),
                o.limits().maxUpstreamConnects(), o.limits().maxUpstreamConnectsPerClient());
        try {
            dataplane = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(o.workers()).withTransport(o.transport())
                    .withMaxClientConnections(o.limits().maxClientConnections()), registry, clock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            IngressSettings in = o.ingress();
            HttpEngineConfig httpConfig = HttpEngineConfig.defaults()
                    .withTrustedProxies(in.trustedProxies()).withAccessLog(in.accessLog())
                    .withConnectionLimits(o.limits()).withUnderscoresInHeaders(in.underscoresInHeaders());
            http = new HttpDataplane(dataplane.transport(), dataplane.group(), httpConfig, registry, clock);
            HttpDataplane engine = http;
            Dataplane httpPart = new Dataplane() {
                @Override
                public Map<ListenKey, String> apply(DesiredState state) {
                    return engine.apply(state.http());
                }

                @Override
                public void close() {
                    // closed by the server, after the controller has stopped
                }
            };
            boolean proxy = cluster == null || cluster.has(ClusterSettings.Role.PROXY);
            boolean ingressRole = cluster == null || cluster.has(ClusterSettings.Role.INGRESS);
            warmUp = new StartupWarmUp(o.warmUp(), ingressRole, dataplane.transport(), dataplane.group(), httpConfig,
                    registry, clock);
            List<Dataplane> parts = new ArrayList<>();
            if (proxy) parts.add(cluster == null ? dataplane : serviceAddresses(dataplane, o));
            if (ingressRole) parts.add(httpPart);
            IngressSync ingress = ingressRole ? new IngressSync(ingressOptions(o),
                    DefaultCertificate.loadOrCreate(o.stateDir(), clock), clock,
                    namespacedName(o.ingress().configMap()), namespacedName(o.ingress().tcpServicesConfigMap()),
                    namespacedName(o.ingress().udpServicesConfigMap())) : null;
            ObjectSource source;
            Admission admission;
            if (cluster == null) {
                source = new FileSource(o.manifests(), o.pollInterval(), ManifestLimits.withMaxFileBytes(o.maxManifestBytes()));
                admission = new StandaloneAdmission(new Allocator(new AllocatorConfig(o.serviceCidr(), o.nodePortRange(),
                        o.lbPools(), KubewayOptions.LOAD_BALANCER_CLASS), clock), new AllocationStore(o.stateDir()));
            } else {
                client = KubeClients.create(cluster);
                kubeSource = new KubeSource(client, cluster.namespace(), new KubeSource.Reads(proxy,
                        cluster.has(ClusterSettings.Role.LOADBALANCER), ingressRole), clock)
                        .watchConfigMaps(ingress == null ? List.of() : ingress.controllerConfigNames());
                source = kubeSource;
                admission = new ApiServerAdmission();
            }
            controller = new Controller(new ControllerConfig(o.nodeName(), o.nodeAddresses(), Duration.ofMillis(20),
                    Duration.ofSeconds(30)), source, admission, new CompositeDataplane(parts), ingress, registry, clock);
            if (cluster == null) {
                controller.onSnapshot(demoBackends::reconcile);
            } else {
                leader = leaderLoop(o, cluster, client, clock);
                controller.onSnapshot(leader::changed);
                if (proxy) {
                    nodeAgent = new NodeAgent(client, cluster.namespace(), o.nodeName(), o.nodeAddresses(),
                            kubeSource::nodeLeases, clock);
                    controller.onSnapshot(nodeAgent::changed);
                    nodeAgent.onProblems(problems -> controller.report("l2", problems));
                }
                controller.onSynced(() -> leader.changed(null));
                ApiEvents apiEvents = new ApiEvents(client);
                controller.onSynced(() -> apiEvents.post(controller.view().events()));
            }
            admin = new AdminServer(o.adminAddress(), this::view, registry);
        } catch (RuntimeException e) {
            if (leader != null) {
                leader.close();
            }
            if (http != null) {
                http.close();
            }
            dataplane.close();
            demoBackends.close();
            if (client != null) {
                client.close();
            }
            lock.close();
            throw e;
        }
    }

    /** The proxy role in a cluster: Service IPs on kubeway0 before the proxy binds them. */
    private static Dataplane serviceAddresses(ProxyDataplane proxy, KubewayOptions o) {
        ServiceAddresses addresses = new ServiceAddresses(proxy, ServiceAddresses.INTERFACE, o.nodeAddresses());
        try {
            addresses.init();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot set up " + ServiceAddresses.INTERFACE
                    + " for Service IPs (the proxy role needs NET_ADMIN and iproute2): " + e.getMessage(), e);
        }
        return addresses;
    }

    private LeaderLoop leaderLoop(KubewayOptions o, ClusterSettings cluster, KubernetesClient client, Clock clock) {
        ApiStatusWriter writer = new ApiStatusWriter(client);
        LoadBalancerController lb = cluster.has(ClusterSettings.Role.LOADBALANCER)
                ? new LoadBalancerController(new LoadBalancerIps(List.of(), KubewayOptions.LOAD_BALANCER_CLASS, false),
                writer, clock) : null;
        IngressStatusController status = cluster.has(ClusterSettings.Role.INGRESS)
                ? new IngressStatusController(writer) : null;
        LeaderLoop loop = new LeaderLoop(onChange -> new LeaderElection(client, cluster.namespace(),
                ClusterSettings.LEASE_NAME, cluster.identity(), cluster.election(), onChange), lb, status,
                controller::handledIngresses, problems -> controller.report("leader", problems));
        return loop;
    }

    private static IngressOptions ingressOptions(KubewayOptions o) {
        IngressSettings in = o.ingress();
        List<ListenKey> http = in.httpAddress() == null ? List.of()
                : List.of(new ListenKey(in.httpAddress().getAddress(), in.httpAddress().getPort(), Protocol.TCP));
        List<ListenKey> https = in.httpsAddress() == null ? List.of()
                : List.of(new ListenKey(in.httpsAddress().getAddress(), in.httpsAddress().getPort(), Protocol.TCP));
        return new IngressOptions(in.ingressClass(), in.controllers(), in.ingressClassByName(), in.watchWithoutClass(),
                namespacedName(in.defaultBackendService()), namespacedName(in.publishService()),
                in.publishStatusAddresses(), http, https, o.nodeName(), in.sslPassthrough());
    }

    private static NamespacedName namespacedName(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        int slash = s.indexOf('/');
        if (slash <= 0 || slash == s.length() - 1 || s.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("expected NAMESPACE/NAME, got \"" + s + "\"");
        }
        return new NamespacedName(s.substring(0, slash), s.substring(slash + 1));
    }

    /** Starts serving; returns at once (the first sync follows within milliseconds). */
    public static KubewayServer start(KubewayOptions options, Clock clock) {
        KubewayServer server = new KubewayServer(options, clock);
        // the warm-up runs beside the first sync: real listeners bind and serve at once, /readyz waits for it
        server.warmUp.start();
        server.controller.start();
        if (server.leader != null) {
            server.leader.start();
        }
        if (server.nodeAgent != null) {
            server.nodeAgent.start();
        }
        return server;
    }

    /** The controller's view, not ready while the start-up warm-up runs. */
    public ClusterView view() {
        return controller.view().withNotReady(warmUp.notReady());
    }

    public Controller controller() {
        return controller;
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public String transportName() {
        return dataplane.transportName();
    }

    /** Stops everything and releases the state directory. Idempotent (a shutdown hook may call it again). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        admin.close();
        if (leader != null) {
            leader.close();
        }
        if (nodeAgent != null) {
            nodeAgent.close();
        }
        warmUp.close();
        controller.close();
        http.close();
        dataplane.close();
        demoBackends.close();
        if (client != null) {
            client.close();
        }
        lock.close();
    }

    /** Whether this instance leads (always false standalone). */
    public boolean leading() {
        return leader != null && leader.leading();
    }
}
