package io.kubeway.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

import static java.util.Objects.requireNonNull;

/** An object together with where it came from (a file path in standalone mode, {@code null} from an API server). */
public record SourcedObject(HasMetadata object, String source) {
    public SourcedObject {
        requireNonNull(object, "object");
    }
}
