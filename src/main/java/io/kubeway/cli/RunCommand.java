package io.kubeway.cli;

import io.kubeway.core.IpLiterals;
import io.kubeway.ClusterSettings;
import io.kubeway.IngressSettings;
import io.kubeway.cluster.LeaderElection;
import io.kubeway.KubewayOptions;
import io.kubeway.KubewayServer;
import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.warmup.WarmUpSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

/** {@code kubeway run -f PATH}: serves the Services in manifest files until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Serve the Services described by manifest files (watched: edits apply within a second).")
final class RunCommand implements Callable<Integer> {

    // not picocli-required: picocli would then report a missing -f before an unknown flag, and the user would
    // not learn which flag was wrong; call() checks it instead
    @Option(names = {"-f", "--filename"}, paramLabel = "PATH",
            description = "Manifest file or folder (YAML or JSON, multi-document); repeatable (required unless --kubeconfig, or in a pod).")
    List<Path> manifests = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Option(names = "--kubeconfig", paramLabel = "PATH",
            description = "Watch the cluster of this kubeconfig instead of files (in a pod, the service account is used"
                    + " when neither -f nor --kubeconfig is given).")
    Path kubeconfig;

    @Option(names = "--roles", defaultValue = "proxy,loadbalancer,ingress",
            description = "In a cluster: proxy (node proxy), loadbalancer (LoadBalancer IPs, elected), ingress "
                    + "(default: ${DEFAULT-VALUE}).")
    String roles;

    @Option(names = "--namespace",
            description = "In a cluster: Kubeway's namespace, for IPAddressPools and its Lease (default: POD_NAMESPACE,"
                    + " else kubeway-system).")
    String namespace;

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

    @Option(names = "--controller-class", paramLabel = "CONTROLLER",
            description = "Also serve the IngressClasses of this controller, e.g. k8s.io/ingress-nginx to take over "
                    + "ingress-nginx's class nginx and its Ingresses; repeatable (always: kubeway.io/ingress-controller).")
    List<String> controllerClasses = new ArrayList<>();

    @Option(names = "--ingress-class-by-name",
            description = "Also serve the IngressClass named --ingress-class, whatever its controller.")
    boolean ingressClassByName;

    @Option(names = "--enable-ssl-passthrough",
            description = "Honour the ssl-passthrough annotation: TLS connections for its hosts are relayed by SNI, "
                    + "without termination, to the Service's endpoints (ingress-nginx's flag).")
    boolean enableSslPassthrough;

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

    @Option(names = "--configmap", paramLabel = "NS/NAME",
            description = "ingress-nginx's controller ConfigMap, read live with its keys and defaults (standalone: a "
                    + "ConfigMap in the manifests); see docs/annotations.md.")
    String configMap;

    @Option(names = "--tcp-services-configmap", paramLabel = "NS/NAME",
            description = "Expose Service ports over TCP on the Ingress addresses, ingress-nginx's format "
                    + "(\"9000\": \"ns/svc:port\"); read live.")
    String tcpServicesConfigMap;

    @Option(names = "--udp-services-configmap", paramLabel = "NS/NAME",
            description = "The same for UDP.")
    String udpServicesConfigMap;

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

    @Option(names = "--underscores-in-headers",
            description = "Forward request header names with underscores (default: dropped, as nginx does).")
    boolean underscoresInHeaders;

    @Option(names = "--max-client-connections", paramLabel = "N",
            description = "Open client connections per listener, HTTP and TCP; more are refused at accept "
                    + "(default: a quarter of the fd limit).")
    Integer maxClientConnections;

    @Option(names = "--max-upstream-connects", paramLabel = "N",
            description = "Backend connects in flight per Ingress listener; requests past it get 503 "
                    + "(default: a sixteenth of the fd limit).")
    Integer maxUpstreamConnects;

    @Option(names = "--max-upstream-connects-per-client", paramLabel = "N",
            description = "Backend connects in flight per client connection; further requests wait (default: 32).")
    Integer maxUpstreamConnectsPerClient;

    @Option(names = "--warm-up", defaultValue = "auto", paramLabel = "auto|off|DURATION",
            description = "Before reporting ready, send synthetic traffic through a private Ingress and TCP listener on"
                    + " 127.0.0.1 until the JIT has compiled the request path: auto (until compilation settles, at most"
                    + " 30s), off, or a cap such as 10s; real listeners serve meanwhile, /readyz waits (default: ${DEFAULT-VALUE}).")
    String warmUp;

    /** Null standalone (-f); the cluster settings with --kubeconfig, or in a pod without -f. */
    private ClusterSettings cluster() {
        boolean inPod = System.getenv("KUBERNETES_SERVICE_HOST") != null;
        if (!manifests.isEmpty() && kubeconfig != null) {
            throw new IllegalArgumentException("-f and --kubeconfig are exclusive: serve manifest files or watch a cluster");
        }
        if (!manifests.isEmpty() || (kubeconfig == null && !inPod)) {
            if (manifests.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '--filename=PATH' (-f), "
                        + "or --kubeconfig PATH to watch a cluster");
            }
            return null;
        }
        String ns = namespace != null ? namespace : envOr("POD_NAMESPACE", "kubeway-system");
        return new ClusterSettings(kubeconfig, ClusterSettings.Role.parse(roles), ns, envOr("POD_NAME", hostName()),
                LeaderElection.Timing.DEFAULT);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
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


    /** {@code --controller-class} values, each a domain-prefixed path as IngressClass {@code spec.controller} is. */
    List<String> controllerClasses() {
        for (String c : controllerClasses) {
            List<io.kubeway.core.FieldError> errs = new ArrayList<>();
            io.kubeway.translate.ingress.IngressClassValidation.controllerName("--controller-class", c, errs);
            if (!errs.isEmpty()) {
                throw new IllegalArgumentException(errs.get(0).message());
            }
        }
        return List.copyOf(controllerClasses);
    }

    /** A {@code ns/name} flag value, or null when not given. */
    private static String checkedName(String flag, String value) {
        if (value == null || value.isEmpty()) return null;
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(flag + " " + value + ": must be NAMESPACE/NAME");
        }
        return value;
    }

    @Override
    public Integer call() throws Exception {
        ClusterSettings cluster = cluster();
        for (Path p : manifests) {
            if (!java.nio.file.Files.exists(p)) {
                throw new IllegalArgumentException("-f " + p + ": no such file or folder");
            }
        }
        KubewayOptions options = new KubewayOptions(manifests, serviceCidr, nodePortRange, resolveNodeAddresses(),
                lbPools.isEmpty() ? List.of("127.224.0.0/16") : lbPools, stateDir, hostPortOption("--admin-address", adminAddress),
                nodeName != null ? nodeName : envOr("NODE_NAME", hostName()), workers, Duration.ofMillis(200), transport,
                new IngressSettings(ingressClass, watchIngressWithoutClass, optionalHostPort("--ingress-http-address", ingressHttpAddress),
                        optionalHostPort("--ingress-https-address", ingressHttpsAddress), defaultBackendService, publishService,
                        publishStatusAddresses, trustedProxies, accessLog, underscoresInHeaders,
                        controllerClasses(), ingressClassByName, checkedName("--configmap", configMap),
                        checkedName("--tcp-services-configmap", tcpServicesConfigMap),
                        checkedName("--udp-services-configmap", udpServicesConfigMap), enableSslPassthrough),
                limits(), parseSize(maxManifestSize), cluster, WarmUpSettings.parse(warmUp));
        KubewayServer server = KubewayServer.start(options, Clock.systemUTC());
        StopSignals.install(server::close);
        CountDownLatch firstSync = new CountDownLatch(1);
        server.controller().onSynced(firstSync::countDown);
        if (firstSync.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            new Banner(cluster == null ? options.manifests() : List.of("the cluster (roles " + cluster.roles() + ")"),
                    server.transportName(), server.adminAddress(), options.nodeAddresses(),
                    options.ingress().httpAddress()).print(System.out, server.view());
        }
        // serve until a signal stops the JVM (StopSignals): no data-plane or admin thread keeps it alive by itself
        new CountDownLatch(1).await();
        return 0;
    }

    /** The caps of the flags given, the fd-derived defaults for the others. */
    ConnectionLimits limits() {
        ConnectionLimits d = ConnectionLimits.defaults();
        return new ConnectionLimits(maxClientConnections != null ? maxClientConnections : d.maxClientConnections(),
                maxUpstreamConnects != null ? maxUpstreamConnects : d.maxUpstreamConnects(),
                maxUpstreamConnectsPerClient != null ? maxUpstreamConnectsPerClient
                        : Math.min(d.maxUpstreamConnectsPerClient(), maxUpstreamConnects != null ? maxUpstreamConnects
                        : Integer.MAX_VALUE));
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

    private static InetSocketAddress optionalHostPort(String flag, String s) {
        return s == null || s.isBlank() ? null : hostPortOption(flag, s);
    }

    private static InetSocketAddress hostPortOption(String flag, String s) {
        try {
            return parseHostPort(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
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
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected ADDRESS:PORT with a port in 0-65535, got \"" + s + "\"");
        }
        return new InetSocketAddress(IpLiterals.of(host), port);
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
