package io.kubeway.state.http;

/**
 * A costly password verification (a bcrypt or SHA-crypt hash) the router leaves to the HTTP engine, which runs it
 * off the event loop ({@link RouteDecision.Authenticate}). Thread-safe; may take a quarter of a second of CPU.
 */
@FunctionalInterface
public interface PasswordCheck {
    /** Whether the password matches; a success is remembered, so the next request with it costs a lookup. */
    boolean verify();
}
