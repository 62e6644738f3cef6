package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns problems into Kubernetes Events (core/v1, as {@code kubectl get events} shows them) and log lines.
 * A problem counts as a new occurrence when it was absent from the previous sync: a problem that persists
 * across syncs is one event, not one per sync. Repeats bump {@code count} and {@code lastTimestamp} like
 * the API server's event aggregation. Keeps the newest {@code max} events.
 */
final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final Clock clock;
    private final String host;
    private final int max;
    private final Map<Key, Event> events = new LinkedHashMap<>();
    private Set<Key> previous = Set.of();
    private long serial;

    EventRecorder(Clock clock, String host, int max) {
        this.clock = clock;
        this.host = host;
        this.max = max;
    }

    /** Records the problems of one sync; {@code uids} gives the uid of an object when known. */
    synchronized void observe(List<Problem> problems, Function<ObjectRef, String> uids) {
        Set<Key> current = new HashSet<>();
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        for (Problem p : problems) {
            Key key = new Key(p.object(), p.reason(), p.message(), p.warning());
            if (!current.add(key) || previous.contains(key)) {
                continue;
            }
            if (p.warning()) {
                log.warn(p.logLine());
            } else {
                log.info(p.logLine());
            }
            Event existing = events.remove(key);
            events.put(key, existing == null ? newEvent(key, p.source(), uids.apply(p.object()), now)
                    : new EventBuilder(existing).withCount(existing.getCount() + 1).withLastTimestamp(now).build());
        }
        previous = current;
        while (events.size() > max) {
            events.remove(events.keySet().iterator().next());
        }
    }

    synchronized List<Event> events() {
        List<Event> out = new ArrayList<>(events.values());
        out.sort(Comparator.comparing(Event::getLastTimestamp));
        return List.copyOf(out);
    }

    private Event newEvent(Key key, String source, String uid, String now) {
        ObjectRef ref = key.object();
        String ns = ref.namespace().isEmpty() ? "default" : ref.namespace();
        String name = (ref.name().isEmpty() ? "object" : ref.name()).replaceAll("[^a-z0-9.-]", "-");
        return new EventBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name + "." + Long.toHexString(clock.millis() * 1000 + (serial++ % 1000)))
                .withCreationTimestamp(now)
                .endMetadata()
                .withNewInvolvedObject()
                .withKind(ref.kind())
                .withNamespace(ref.namespace().isEmpty() ? null : ref.namespace())
                .withName(ref.name())
                .withUid(uid)
                .endInvolvedObject()
                .withType(key.warning() ? "Warning" : "Normal")
                .withReason(key.reason())
                .withMessage(source == null || key.message().contains(source) ? key.message()
                        : key.message() + " (" + source + ")")
                .withNewSource().withComponent("kubeway").withHost(host).endSource()
                .withReportingComponent("kubeway.io/kubeway")
                .withReportingInstance(host)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
    }

    private record Key(ObjectRef object, String reason, String message, boolean warning) {
    }
}
