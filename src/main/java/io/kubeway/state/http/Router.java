package io.kubeway.state.http;

/**
 * Decides what to do with a request. Implementations are immutable values (compared with {@code equals}
 * so an unchanged route table is not swapped), pure and fast: the engine calls this once per request on
 * its event loop.
 */
@FunctionalInterface
public interface Router {
    RouteDecision route(RequestView request);
}
