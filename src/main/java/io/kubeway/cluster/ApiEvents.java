package io.kubeway.cluster;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * Posts the events this instance recorded (already deduplicated: one event per problem, its {@code count} and
 * {@code lastTimestamp} bumped when it recurs) to the API server as core/v1 Events, so {@code kubectl get events}
 * and {@code kubectl describe} show them with count and last seen, as they show the kubelet's. A new event is
 * created, a recurring one merge-patched (count, lastTimestamp); at most {@link #MAX_PER_PASS} writes per pass, the rest follow in later
 * passes (the API server rate-limits event writers too). A write that fails is retried after a per-event backoff
 * ({@link WorkQueue}).
 */
public final class ApiEvents {
    private static final Logger log = LoggerFactory.getLogger(ApiEvents.class);
    static final int MAX_PER_PASS = 50;

    private final KubernetesClient client;
    /** Event name → the count last written. */
    private final Map<String, Integer> posted = new HashMap<>();
    /** Event name → the version to write, not yet written. */
    private final Map<String, Event> pending = new HashMap<>();
    private final WorkQueue<String> queue = new WorkQueue<>(System::nanoTime, WorkQueue.DEFAULT_MAX_KEYS);

    public ApiEvents(KubernetesClient client) {
        this.client = requireNonNull(client, "client");
    }

    /**
     * Writes what changed since the last pass; never throws. Each event to write goes through a {@link WorkQueue}
     * keyed by event name: at most {@link #MAX_PER_PASS} writes per pass, and an event whose write failed is tried
     * again after its own backoff (5 ms doubling to 1000 s) and the queue's overall rate, not on every pass.
     */
    public synchronized void post(List<Event> events) {
        Map<String, Event> seen = new HashMap<>();
        for (Event e : events) {
            String name = e.getMetadata().getName();
            seen.put(name, e);
            if (Objects.equals(posted.get(name), e.getCount())) continue;
            Event before = pending.put(name, e);
            if (before == null || !Objects.equals(before.getCount(), e.getCount()) || queue.failures(name) == 0) {
                queue.add(name);
            }
        }
        posted.keySet().retainAll(seen.keySet());
        pending.keySet().retainAll(seen.keySet());
        int writes = 0;
        String name;
        while (writes < MAX_PER_PASS && (name = queue.poll()) != null) {
            Event e = pending.get(name);
            try {
                if (e == null) continue;
                writes++;
                write(e);
                posted.put(name, e.getCount());
                pending.remove(name);
                queue.forget(name);
            } catch (RuntimeException ex) {
                log.warn("cannot post event {}/{} (retried after a backoff): {}", e.getMetadata().getNamespace(), name,
                        ex.getMessage());
                queue.addRateLimited(name);
            } finally {
                queue.done(name);
            }
        }
    }

    private void write(Event e) {
        String ns = e.getMetadata().getNamespace();
        String name = e.getMetadata().getName();
        if (posted.containsKey(name)) {
            mergePatch(ns, name, "{\"count\":" + e.getCount() + ",\"lastTimestamp\":\"" + e.getLastTimestamp() + "\"}");
        } else {
            Event out = new EventBuilder(e).editMetadata().withResourceVersion(null).endMetadata().build();
            client.v1().events().inNamespace(ns).resource(out).create();
        }
    }

    /**
     * A JSON merge patch sent as one PATCH request: fabric8's patch reads the object first, which would need
     * {@code get} on events in RBAC; a recurring event's count and last-seen time need no read.
     */
    private void mergePatch(String namespace, String name, String patch) {
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace
                + "/events/" + name;
        var request = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .method("PATCH", "application/merge-patch+json", patch).build();
        try {
            var response = client.getHttpClient().sendAsync(request, String.class).get(10, java.util.concurrent.TimeUnit.SECONDS);
            if (response.code() / 100 != 2) {
                throw new IllegalStateException("PATCH " + url + " answered " + response.code());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
            throw new IllegalStateException("PATCH " + url + ": " + ex.getMessage(), ex);
        }
    }
}
