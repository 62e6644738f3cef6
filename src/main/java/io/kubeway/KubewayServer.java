package io.kubeway;

import io.kubeway.admin.AdminServer;
import io.kubeway.admin.ClusterView;
import io.kubeway.allocate.AllocationStore;
import io.kubeway.allocate.Allocator;
import io.kubeway.allocate.AllocatorConfig;
import io.kubeway.dataplane.proxy.ProxyConfig;
import io.kubeway.dataplane.proxy.ProxyDataplane;
import io.kubeway.echo.DemoBackends;
import io.kubeway.source.file.FileSource;
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
    private final Controller controller;
    private final DemoBackends demoBackends = new DemoBackends();
    private final AdminServer admin;

    private KubewayServer(KubewayOptions o, Clock clock) {
        new JvmMemoryMetrics().bindTo(registry);
        Allocator allocator = new Allocator(new AllocatorConfig(o.serviceCidr(), o.nodePortRange(), o.lbPools(),
                KubewayOptions.LOAD_BALANCER_CLASS), clock);
        FileSource source = new FileSource(o.manifests(), o.pollInterval());
        dataplane = new ProxyDataplane(ProxyConfig.defaults().withWorkerThreads(o.workers()).withTransport(o.transport()),
                registry, clock);
        try {
            controller = new Controller(new ControllerConfig(o.nodeName(), o.nodeAddresses(), Duration.ofMillis(20),
                    Duration.ofSeconds(30)), source, dataplane, allocator, new AllocationStore(o.stateDir()), registry, clock);
            controller.onSnapshot(demoBackends::reconcile);
            admin = new AdminServer(o.adminAddress(), controller::view, registry);
        } catch (RuntimeException e) {
            dataplane.close();
            demoBackends.close();
            throw e;
        }
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
        dataplane.close();
        demoBackends.close();
    }
}
