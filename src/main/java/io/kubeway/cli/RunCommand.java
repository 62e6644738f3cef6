package io.kubeway.cli;

import io.kubeway.core.IpLiterals;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kubeway.IngressSettings;
import io.kubeway.KubewayOptions;
import io.kubeway.KubewayServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code kubeway run -f PATH}: serves the Services in manifest files until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Serve the Services described by manifest files (watched: edits apply within a second).")
final class RunCommand implements Callable<Integer> {
    private static final AtomicBoolean RUNNING = new AtomicBoolean();

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "PATH",
            description = "Manifest file or folder (YAML or JSON, multi-document); repeatable.")
    List<Path> manifests;

    @Option(names = "--service-cidr", defaultValue = "127.96.0.0/12", description = "ClusterIP range (default: ${DEFAULT-VALUE}).")
    String serviceCidr;

    @Option(names = "--node-port-range", defaultValue = "30000-32767", description = "NodePort range (default: ${DEFAULT-VALUE}).")
    String nodePortRange;

    @Option(names = "--node-address", paramLabel = "ADDR",
            description = "Where NodePorts listen; repeatable (default: every address of this machine).")
    List<String> nodeAddresses = new ArrayList<>();

    @Option(names = "--lb-pool", paramLabel = "CIDR_OR_RANGE",
            description = "LoadBalancer IP pool when the manifests declare no IPAddressPool; repeatable (default: 127.224.0.0/16).")
    List<String> lbPools = new ArrayList<>();

    @Option(names = "--state-dir", defaultValue = "./.kubeway", description = "Where allocations are kept (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--admin-address", defaultValue = "127.0.0.1:10249", description = "Admin API address (default: ${DEFAULT-VALUE}).")
    String adminAddress;

    @Option(names = "--node-name", description = "This node's name (default: the host name).")
    String nodeName;

    @Option(names = "--workers", defaultValue = "0", description = "Data plane threads (default: one per core).")
    int workers;

    @Option(names = "--transport", defaultValue = "auto",
            description = "Data plane I/O: auto (io_uring, else epoll, else nio), io_uring, epoll or nio (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--ingress-class", defaultValue = "kubeway",
            description = "The IngressClass this controller answers to (default: ${DEFAULT-VALUE}).")
    String ingressClass;

    @Option(names = "--watch-ingress-without-class", description = "Also handle Ingresses that name no class.")
    boolean watchIngressWithoutClass;

    @Option(names = "--ingress-http-address", defaultValue = "127.0.0.1:8080",
            description = "Ingress HTTP listener, or \"\" for none (default: ${DEFAULT-VALUE}; 0.0.0.0:80 needs root).")
    String ingressHttpAddress;

    @Option(names = "--ingress-https-address", defaultValue = "127.0.0.1:8443",
            description = "Ingress HTTPS listener, or \"\" for none (default: ${DEFAULT-VALUE}).")
    String ingressHttpsAddress;

    @Option(names = "--default-backend-service", paramLabel = "NS/NAME",
            description = "Service answering requests no Ingress rule matches (default: a built-in 404).")
    String defaultBackendService;

    @Option(names = "--publish-service", paramLabel = "NS/NAME",
            description = "LoadBalancer Service whose address Ingresses report in their status.")
    String publishService;

    @Option(names = "--publish-status-address", paramLabel = "ADDR", split = ",",
            description = "Addresses Ingresses report in their status (instead of --publish-service).")
    List<String> publishStatusAddresses = new ArrayList<>();

    @Option(names = "--trusted-proxy", paramLabel = "CIDR", split = ",",
            description = "Proxies whose X-Forwarded-* headers are trusted; repeatable (default: none).")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--access-log", defaultValue = "off",
            description = "Ingress access log on stderr: off, text or json (default: ${DEFAULT-VALUE}).")
    String accessLog;

    @Option(names = "--max-manifest-size", defaultValue = "8Mi", paramLabel = "SIZE",
            description = "Largest manifest file read, in bytes or with Ki/Mi/Gi; a larger file keeps its last good objects"
                    + " and gets a Warning (default: ${DEFAULT-VALUE}).")
    String maxManifestSize;

    static boolean isRunning() {
        return RUNNING.get();
    }

    /** {@code 8Mi}, {@code 512Ki}, {@code 1048576}: the binary suffixes Kubernetes quantities use. */
    static long parseSize(String s) {
        String t = s.strip();
        long unit = 1;
        for (String[] suffix : new String[][] {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}}) {
            if (t.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                t = t.substring(0, t.length() - 2);
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a size such as 8Mi, 512Ki or 1048576, got \"" + s + "\"");
        }
    }


    @Override
    public Integer call() throws Exception {
        KubewayOptions options = new KubewayOptions(manifests, serviceCidr, nodePortRange, resolveNodeAddresses(),
                lbPools.isEmpty() ? List.of("127.224.0.0/16") : lbPools, stateDir, parseHostPort(adminAddress),
                nodeName != null ? nodeName : hostName(), workers, Duration.ofMillis(200), transport,
                new IngressSettings(ingressClass, watchIngressWithoutClass, optionalHostPort(ingressHttpAddress),
                        optionalHostPort(ingressHttpsAddress), defaultBackendService, publishService,
                        publishStatusAddresses, trustedProxies, accessLog), parseSize(maxManifestSize));
        KubewayServer server = KubewayServer.start(options, Clock.systemUTC());
        RUNNING.set(true);
        CountDownLatch firstSync = new CountDownLatch(1);
        server.controller().onSynced(firstSync::countDown);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        if (firstSync.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            printWelcome(System.out, server, options);
        }
        return 0;
    }

    private void printWelcome(PrintStream out, KubewayServer server, KubewayOptions o) {
        out.printf("kubeway is serving %s (data plane: %s, admin API: http://%s)%n", o.manifests(),
                server.transportName(), hostPort(server.adminAddress()));
        List<Service> services = server.view().services();
        if (!services.isEmpty()) {
            out.println("Try:");
        }
        for (Service s : services) {
            var spec = s.getSpec();
            if (spec.getPorts() == null || spec.getPorts().isEmpty() || "None".equals(spec.getClusterIP())) {
                continue;
            }
            ServicePort p = spec.getPorts().get(0);
            if (!"TCP".equals(p.getProtocol())) {
                continue;
            }
            String name = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
            out.printf("  curl http://%s/        # ClusterIP of %s (%s)%n", hostPort(spec.getClusterIP(), p.getPort()), name,
                    spec.getType());
            if (p.getNodePort() != null && !o.nodeAddresses().isEmpty()) {
                InetAddress node = o.nodeAddresses().stream()
                        .filter(a -> a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst()
                        .orElse(o.nodeAddresses().get(0));
                out.printf("  curl http://%s/        # NodePort of %s%n",
                        hostPort(IpLiterals.format(node), p.getNodePort()), name);
            }
            if (s.getStatus() != null && s.getStatus().getLoadBalancer() != null
                    && s.getStatus().getLoadBalancer().getIngress() != null) {
                for (var ing : s.getStatus().getLoadBalancer().getIngress()) {
                    out.printf("  curl http://%s/        # LoadBalancer IP of %s%n", hostPort(ing.getIp(), p.getPort()), name);
                }
            }
        }
        InetSocketAddress ingressHttp = o.ingress().httpAddress();
        for (var ing : server.view().ingresses()) {
            for (var rule : ing.getSpec().getRules() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.IngressRule>of()
                    : ing.getSpec().getRules()) {
                if (ingressHttp != null && rule.getHost() != null && !rule.getHost().startsWith("*")) {
                    out.printf("  curl -H 'Host: %s' http://%s/        # Ingress %s/%s%n", rule.getHost(),
                            hostPort(ingressHttp), ing.getMetadata().getNamespace(), ing.getMetadata().getName());
                }
            }
        }
        out.println("  ./kubeway get services,   ./kubeway get ingress,   ./kubeway get endpointslices,   ./kubeway get events");
        out.flush();
    }

    private List<InetAddress> resolveNodeAddresses() throws SocketException, java.net.UnknownHostException {
        List<InetAddress> out = new ArrayList<>();
        if (!nodeAddresses.isEmpty()) {
            for (String a : nodeAddresses) {
                out.add(IpLiterals.of(a));
            }
            return out;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                // link-local IPv6 addresses need a scope to bind and are not node addresses
                if (!(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                    out.add(InetAddress.getByAddress(a.getAddress()));
                }
            }
        }
        return out;
    }

    private static InetSocketAddress optionalHostPort(String s) {
        return s == null || s.isBlank() ? null : parseHostPort(s);
    }

    static InetSocketAddress parseHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected ADDRESS:PORT, got \"" + s + "\"");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(IpLiterals.of(host), Integer.parseInt(s.substring(colon + 1)));
    }

    private static String hostPort(InetSocketAddress a) {
        return hostPort(a.getAddress().getHostAddress(), a.getPort());
    }

    private static String hostPort(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isEmpty()) {
            return env.toLowerCase();
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
