package io.kubeway.allocate;

import io.kubeway.core.FieldError;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * Why the API server would refuse to store a Service: field errors (an Invalid rejection) or an
 * internal error (a full range). Internal control flow of the allocators only; {@link Allocator}
 * turns it into a {@link Problem}.
 */
final class AllocationRejected extends Exception {
    private final List<FieldError> errors;
    private final @Nullable String internalError;

    private AllocationRejected(List<FieldError> errors, @Nullable String internalError) {
        super(internalError != null ? internalError : errors.toString(), null, false, false);
        this.errors = List.copyOf(errors);
        this.internalError = internalError;
    }

    static AllocationRejected invalid(FieldError error) {
        return new AllocationRejected(List.of(error), null);
    }

    static AllocationRejected invalid(List<FieldError> errors) {
        return new AllocationRejected(errors, null);
    }

    /** As {@code errors.NewInternalError}: the request was fine but could not be served. */
    static AllocationRejected internal(String message) {
        return new AllocationRejected(List.of(), message);
    }

    Problem toProblem(ObjectRef ref, @Nullable String source) {
        if (internalError != null) {
            return Problem.warning(ref, source, "InternalError", "Internal error occurred: " + internalError);
        }
        return Problem.invalid(ref, source, errors);
    }
}
