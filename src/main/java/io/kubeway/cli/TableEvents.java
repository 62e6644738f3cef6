package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectReference;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static io.kubeway.cli.TableColumns.isEmpty;

/**
 * kubectl's Event columns: LAST SEEN TYPE REASON OBJECT MESSAGE; -o wide puts SUBOBJECT and SOURCE before
 * MESSAGE and FIRST SEEN, COUNT and NAME after it.
 */
final class TableEvents implements TableColumns<Event> {

    @Override
    public List<String> headers(boolean wide) {
        return wide
                ? List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN",
                        "COUNT", "NAME")
                : List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
    }

    @Override
    public List<String> row(Event event, boolean wide, Instant now) {
        // first seen: firstTimestamp, else the eventTime that new-style events carry instead
        String firstSeen = isEmpty(event.getFirstTimestamp())
                ? TableAge.since(event.getEventTime() == null ? null : event.getEventTime().getTime(), now)
                : TableAge.since(event.getFirstTimestamp(), now);
        String lastSeen = isEmpty(event.getLastTimestamp()) ? firstSeen : TableAge.since(event.getLastTimestamp(), now);
        long count = event.getCount() == null ? 0 : event.getCount();
        if (event.getSeries() != null) {
            lastSeen = TableAge.since(event.getSeries().getLastObservedTime() == null ? null
                    : event.getSeries().getLastObservedTime().getTime(), now);
            count = event.getSeries().getCount() == null ? 0 : event.getSeries().getCount();
        } else if (count == 0) {
            // singleton events do not set a count in the events.k8s.io API
            count = 1;
        }
        ObjectReference involved = event.getInvolvedObject() == null ? new ObjectReference() : event.getInvolvedObject();
        String message = event.getMessage() == null ? "" : event.getMessage().strip();
        String type = nullToEmpty(event.getType());
        String reason = nullToEmpty(event.getReason());
        if (!wide) {
            return List.of(lastSeen, type, reason, target(involved), message);
        }
        return List.of(lastSeen, type, reason, target(involved), nullToEmpty(involved.getFieldPath()),
                source(event.getSource(), event.getReportingComponent(), event.getReportingInstance()), message,
                firstSeen, Long.toString(count), nullToEmpty(event.getMetadata().getName()));
    }

    /** {@code kind/name} with the kind lower-cased, e.g. {@code service/web}; just the kind without a name. */
    static String target(ObjectReference involved) {
        String kind = nullToEmpty(involved.getKind()).toLowerCase(Locale.ROOT);
        return isEmpty(involved.getName()) ? kind : kind + "/" + involved.getName();
    }

    /** {@code component, host}, falling back to the reporting controller and instance; host omitted if empty. */
    static String source(EventSource source, String reportingController, String reportingInstance) {
        String component = firstNonEmpty(source == null ? null : source.getComponent(), reportingController);
        String instance = firstNonEmpty(source == null ? null : source.getHost(), reportingInstance);
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static String firstNonEmpty(String first, String second) {
        return !isEmpty(first) ? first : nullToEmpty(second);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
