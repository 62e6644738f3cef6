package io.kubeway.sync;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The controller's settings.
 *
 * @param nodeName      this node: pods on it (or with no node) are local for Local traffic policies
 * @param nodeAddresses where NodePorts listen
 * @param minSyncInterval the shortest time between two syncs (changes arriving faster are coalesced)
 * @param resyncInterval a full resync at least this often (retries listeners that failed to bind)
 */
public record ControllerConfig(String nodeName, List<InetAddress> nodeAddresses, Duration minSyncInterval,
                               Duration resyncInterval) {
    public ControllerConfig {
        requireNonNull(nodeName, "nodeName");
        nodeAddresses = List.copyOf(nodeAddresses);
        requireNonNull(minSyncInterval, "minSyncInterval");
        requireNonNull(resyncInterval, "resyncInterval");
    }
}
