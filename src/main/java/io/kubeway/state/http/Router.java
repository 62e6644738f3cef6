package io.kubeway.state.http;

import org.jspecify.annotations.Nullable;

import java.util.Set;

/**
 * Decides what to do with a request. Implementations are immutable values (compared with {@code equals}
 * so an unchanged route table is not swapped), pure and fast: the engine calls this once per request on
 * its event loop.
 */
@FunctionalInterface
public interface Router {
    RouteDecision route(RequestView request);

    /**
     * The Ingresses ({@code namespace/name}) whose rules this router holds, so that state kept per Ingress (its
     * meters) can be dropped when it goes; null if the router cannot tell.
     */
    default @Nullable Set<String> ingresses() {
        return null;
    }
}
