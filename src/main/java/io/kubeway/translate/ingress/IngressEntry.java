package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.state.http.routing.Backend;
import org.jspecify.annotations.Nullable;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One valid Ingress of our class during a translation: the object, its parsed annotations, its resolved
 * {@code defaultBackend}, and a sink for its warnings (each message once).
 */
final class IngressEntry {
    /**
     * Age order, which decides conflicts: creationTimestamp (none counts as oldest, like Go's zero time), then
     * namespace/name.
     */
    static final Comparator<IngressEntry> OLDEST_FIRST = Comparator.comparing((IngressEntry e) -> e.created)
            .thenComparing(e -> e.nn);

    private final Ingress ingress;
    private final @Nullable String source;
    private final NamespacedName nn;
    private final Instant created;
    private final IngressAnnotations.Parsed annotations;
    private final List<Problem> problems;
    private final Set<String> reported = new HashSet<>();
    private @Nullable Backend defaultBackend;

    IngressEntry(Ingress ingress, @Nullable String source, IngressAnnotations.Parsed annotations,
                 List<Problem> problems) {
        this.ingress = ingress;
        this.source = source;
        this.nn = NamespacedName.of(ingress);
        this.created = created(ingress);
        this.annotations = annotations;
        this.problems = problems;
    }

    private static Instant created(Ingress ing) {
        String ts = ing.getMetadata().getCreationTimestamp();
        if (ts == null || ts.isEmpty()) return Instant.MIN;
        try {
            return Instant.parse(ts);
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }

    Ingress ingress() {
        return ingress;
    }

    /** {@code ns/name}. */
    String name() {
        return nn.toString();
    }

    String namespace() {
        return nn.namespace();
    }

    IngressAnnotations.Parsed annotations() {
        return annotations;
    }

    boolean canary() {
        return annotations.canary() != null;
    }

    @Nullable Backend defaultBackend() {
        return defaultBackend;
    }

    void defaultBackend(@Nullable Backend b) {
        defaultBackend = b;
    }

    /** A fresh reader of this Ingress's annotations, for annotations read outside {@link IngressAnnotations}. */
    AnnotationReader reader() {
        return new AnnotationReader(ingress.getMetadata().getAnnotations(), ObjectRef.of(ingress), source, problems);
    }

    void warn(String reason, String message) {
        if (reported.add(reason + "\n" + message)) {
            problems.add(Problem.warning(ObjectRef.of(ingress), source, reason, message));
        }
    }
}
