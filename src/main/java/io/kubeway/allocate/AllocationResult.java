package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.Problem;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one allocation pass: copies of the admitted Services as the API server (and MetalLB)
 * would store them, the problems found (rejections and LoadBalancer IP failures), and the allocations to
 * persist and pass back as {@code previous} next time.
 */
public record AllocationResult(List<Service> accepted, List<Problem> problems, Allocations next) {
    public AllocationResult {
        accepted = List.copyOf(accepted);
        problems = List.copyOf(problems);
        requireNonNull(next, "next");
    }
}
