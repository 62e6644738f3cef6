package io.kubeway;

import io.kubeway.admin.AdminServer;
import io.kubeway.admin.ClusterView;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.AllocatorConfig;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Protocol;
import io.kubeway.dataplane.CompositeDataplane;
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
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * One running Kubeway: the file source, the controller, the userspace proxy data plane, demo backends and
 * the admin API, wired together. {@code kubeway run} and the integration tests both start it this way.
 */
public final class KubewayServer implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProxyDataplane dataplane;
    private HttpDataplane http;
    private final Controller controller;
    private final DemoBackends demoBackends = new DemoBackends();
    private final AdminServer admin;

    private KubewayServer(KubewayOptions o, Clock clock) {
        new JvmMemoryMetrics().bindTo(registry);
        Allocator allocator = new Allocator(new AllocatorConfig(o.serviceCidr(), o.nodePortRange(), o.lbPools(),
                KubewayOptions.LOAD_BALANCER_CLASS), clock);
        FileSource source = new FileSource(o.manifests(), o.pollInterval(), ManifestLimits.withMaxFileBytes(o.maxManifestBytes()));
        dataplane = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(o.workers()).withTransport(o.transport()),
                registry, clock);
        try {
            IngressSettings in = o.ingress();
            http = new HttpDataplane(dataplane.transport(), dataplane.group(), HttpEngineConfig.defaults()
                    .withTrustedProxies(in.trustedProxies()).withAccessLog(in.accessLog()), registry, clock);
            HttpDataplane engine = http;
            Dataplane both = new CompositeDataplane(List.of(dataplane, new Dataplane() {
                @Override
                public Map<ListenKey, String> apply(DesiredState state) {
                    return engine.apply(state.http());
                }

                @Override
                public void close() {
                    // closed by the server, after the controller has stopped
                }
            }));
            IngressSync ingress = new IngressSync(ingressOptions(o), DefaultCertificate.loadOrCreate(o.stateDir(), clock),
                    clock);
            controller = new Controller(new ControllerConfig(o.nodeName(), o.nodeAddresses(), Duration.ofMillis(20),
                    Duration.ofSeconds(30)), source, both, allocator, new AllocationStore(o.stateDir()), ingress,
                    registry, clock);
            controller.onSnapshot(demoBackends::reconcile);
            admin = new AdminServer(o.adminAddress(), controller::view, registry);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            dataplane.close();
            demoBackends.close();
            throw e;
        }
    }

    private static IngressOptions ingressOptions(KubewayOptions o) {
        IngressSettings in = o.ingress();
        List<ListenKey> http = in.httpAddress() == null ? List.of()
                : List.of(new ListenKey(in.httpAddress().getAddress(), in.httpAddress().getPort(), Protocol.TCP));
        List<ListenKey> https = in.httpsAddress() == null ? List.of()
                : List.of(new ListenKey(in.httpsAddress().getAddress(), in.httpsAddress().getPort(), Protocol.TCP));
        return new IngressOptions(in.ingressClass(), IngressSettings.CONTROLLER, in.watchWithoutClass(),
                namespacedName(in.defaultBackendService()), namespacedName(in.publishService()),
                in.publishStatusAddresses(), http, https, o.nodeName());
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
        server.controller.start();
        return server;
    }

    public ClusterView view() {
        return controller.view();
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

    @Override
    public void close() {
        admin.close();
        controller.close();
        http.close();
        dataplane.close();
        demoBackends.close();
    }
}
