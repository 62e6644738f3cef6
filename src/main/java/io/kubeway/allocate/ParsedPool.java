package io.kubeway.allocate;

import io.kubeway.core.Problem;
import org.jspecify.annotations.Nullable;

import java.util.List;

/** An IPAddressPool read from a manifest: the pool, or null with the problems that made it unusable. */
public record ParsedPool(@Nullable IpPool pool, List<Problem> problems) {
    public ParsedPool {
        problems = List.copyOf(problems);
    }
}
