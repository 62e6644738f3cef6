package io.kubeway.source.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of each watch as /readyz shows it: the initial list not yet received, the watch down since when,
 * and the last error (a missing permission named as the verb and resource it needs). A watch that is down
 * keeps its last objects: the data plane serves the last known state meanwhile.
 */
final class WatchHealth {
    private static final Logger log = LoggerFactory.getLogger(WatchHealth.class);

    /** A watch that is not connected for this long, with no error, is still starting or reconnecting. */
    private static final java.time.Duration GRACE = java.time.Duration.ofSeconds(5);

    private final Clock clock;
    private final Map<String, Instant> downSince = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();

    WatchHealth(Clock clock) {
        this.clock = clock;
    }

    void failed(String what, Throwable t) {
        String reason = reason(what, t);
        String before = lastError.put(what, reason);
        downSince.putIfAbsent(what, clock.instant());
        if (!reason.equals(before)) {
            log.warn("watch of {}: {}", what, reason);
        }
    }

    void listed(String what) {
        if (lastError.remove(what) != null) {
            log.info("watch of {}: listed again", what);
        }
        downSince.remove(what);
    }

    void forget(String what) {
        lastError.remove(what);
        downSince.remove(what);
    }

    /** Empty while the watch is healthy. */
    Optional<String> describe(String what, boolean synced, boolean watching) {
        String error = lastError.get(what);
        if (watching && synced) {
            if (error != null || downSince.containsKey(what)) {
                listed(what); // it recovered without a new list (a reconnected watch)
            }
            return Optional.empty();
        }
        Instant since = watching ? null : downSince.computeIfAbsent(what, w -> clock.instant());
        if (synced && error == null && since != null && since.plus(GRACE).isAfter(clock.instant())) {
            return Optional.empty(); // between a list and its watch, or a watch being re-established
        }
        StringBuilder b = new StringBuilder("source: ");
        b.append(synced ? "watch of " + what + " is down" : "initial list of " + what + " not received");
        if (since != null) {
            b.append(" since ").append(since);
        }
        if (error != null) {
            b.append(": ").append(error);
        }
        return Optional.of(b.toString());
    }

    private static String reason(String what, Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof KubernetesClientException)) {
            root = root.getCause();
        }
        if (root instanceof KubernetesClientException k && k.getCode() == 403) {
            return "forbidden: Kubeway's service account needs list and watch on " + what;
        }
        if (root instanceof KubernetesClientException k && k.getCode() == 401) {
            return "unauthorized: the API server refused Kubeway's credentials";
        }
        String msg = root.getMessage();
        return msg == null ? root.getClass().getSimpleName() : msg.lines().findFirst().orElse(msg);
    }
}
