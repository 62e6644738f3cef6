package io.kubeway;

import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.source.file.ManifestLimits;
import io.kubeway.warmup.WarmUpSettings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The settings of one Kubeway instance, as {@code kubeway run} takes them.
 *
 * @param manifests     files and folders of manifests
 * @param nodeAddresses where NodePorts listen (already resolved; never empty)
 * @param workers       data plane event-loop threads (0: one per core)
 * @param pollInterval  how often manifest files are checked for changes
 * @param transport     Netty transport: auto (io_uring, else epoll, else nio), io_uring, epoll or nio
 * @param ingress       the Ingress controller's settings
 * @param limits        client connections per listener and backend connects in flight (L4 and HTTP data planes)
 * @param cluster       how to run in a cluster, or null to run standalone from {@code manifests}
 * @param maxManifestBytes a manifest file larger than this is refused before it is parsed
 * @param warmUp        the JIT warm-up before readiness ({@code --warm-up}); {@link WarmUpSettings#OFF} in tests
 */
public record KubewayOptions(List<Path> manifests, String serviceCidr, String nodePortRange,
                             List<InetAddress> nodeAddresses, List<String> lbPools, Path stateDir,
                             InetSocketAddress adminAddress, String nodeName, int workers, Duration pollInterval,
                             String transport, IngressSettings ingress, ConnectionLimits limits,
                             long maxManifestBytes, ClusterSettings cluster, WarmUpSettings warmUp) {
    /** Our loadBalancerClass: services with no class or this one get LoadBalancer IPs. */
    public static final String LOAD_BALANCER_CLASS = "kubeway.io/loadbalancer";

    public KubewayOptions {
        manifests = List.copyOf(manifests);
        requireNonNull(serviceCidr, "serviceCidr");
        requireNonNull(nodePortRange, "nodePortRange");
        nodeAddresses = List.copyOf(nodeAddresses);
        lbPools = List.copyOf(lbPools);
        requireNonNull(stateDir, "stateDir");
        requireNonNull(adminAddress, "adminAddress");
        requireNonNull(nodeName, "nodeName");
        requireNonNull(pollInterval, "pollInterval");
        requireNonNull(transport, "transport");
        requireNonNull(ingress, "ingress");
        requireNonNull(limits, "limits");
        requireNonNull(warmUp, "warmUp");
        if (maxManifestBytes < 1) {
            throw new IllegalArgumentException("the manifest size limit must be positive, got " + maxManifestBytes);
        }
        if (cluster == null && manifests.isEmpty()) {
            throw new IllegalArgumentException("no manifests to serve and no cluster to watch");
        }
        if (cluster != null && !manifests.isEmpty()) {
            throw new IllegalArgumentException("-f and --kubeconfig are exclusive: serve files or watch a cluster");
        }
    }

    /** Without a warm-up: how tests and other in-process starts run. */
    public KubewayOptions(List<Path> manifests, String serviceCidr, String nodePortRange,
                          List<InetAddress> nodeAddresses, List<String> lbPools, Path stateDir,
                          InetSocketAddress adminAddress, String nodeName, int workers, Duration pollInterval,
                          String transport, IngressSettings ingress, ConnectionLimits limits,
                          long maxManifestBytes, ClusterSettings cluster) {
        this(manifests, serviceCidr, nodePortRange, nodeAddresses, lbPools, stateDir, adminAddress, nodeName, workers,
                pollInterval, transport, ingress, limits, maxManifestBytes, cluster, WarmUpSettings.OFF);
    }

    /**
     * Standalone options (no cluster) with the limits derived from the fd limit ({@link ConnectionLimits#defaults()})
     * and the default manifest size limit (8 MiB), without a warm-up.
     */
    public KubewayOptions(List<Path> manifests, String serviceCidr, String nodePortRange,
                          List<InetAddress> nodeAddresses, List<String> lbPools, Path stateDir,
                          InetSocketAddress adminAddress, String nodeName, int workers, Duration pollInterval,
                          String transport, IngressSettings ingress) {
        this(manifests, serviceCidr, nodePortRange, nodeAddresses, lbPools, stateDir, adminAddress, nodeName, workers,
                pollInterval, transport, ingress, ConnectionLimits.defaults(), ManifestLimits.DEFAULT_MAX_FILE_BYTES, null);
    }
}
