package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One Service to allocate: the desired version (defaulted and validated), the last version that was
 * accepted (already allocated, holding its previous allocation) to keep serving when the desired one is
 * rejected, and the file it came from for messages (may be null).
 */
public record Candidate(Service desired, @Nullable Service lastAccepted, @Nullable String source) {
    public Candidate {
        requireNonNull(desired, "desired");
    }
}
