package io.kubeway.dataplane.http;

import io.kubeway.state.http.Timeouts;

/**
 * The activity clocks of one proxied request and the rules that turn them into timeouts; all times are
 * {@code System.nanoTime()} values. Idle times count only while the proxy waits on that party:
 * <ul>
 *   <li>{@link Expired#SEND}: the backend has not taken more request body for {@code send} (its connection stayed
 *       unwritable);</li>
 *   <li>{@link Expired#CLIENT_BODY}: the client has not sent more of its body for the client idle timeout;</li>
 *   <li>{@link Expired#CLIENT_READ}: the client has not read more of the response for the client idle timeout;</li>
 *   <li>{@link Expired#READ}: the backend has sent nothing for {@code read}, counted once the request is sent (or
 *       the response started, for streams going both ways).</li>
 * </ul>
 * The exchange keeps one timer and asks {@link #check} when it fires; between firings, updating a field is all
 * the bookkeeping a chunk costs.
 */
final class Deadlines {
    enum Expired { NONE, SEND, CLIENT_BODY, CLIENT_READ, READ }

    long lastClientActivity;
    long lastUpstreamActivity;
    /** Since when the backend connection is unwritable, or -1. */
    long upstreamBlockedSince = -1;
    /** Since when the client connection is unwritable, or -1. */
    long clientBlockedSince = -1;
    /** After {@link #check} returned NONE: when to check again ({@code Long.MAX_VALUE}: nothing to watch). */
    long next;

    void start(long now) {
        lastClientActivity = now;
        lastUpstreamActivity = now;
        upstreamBlockedSince = -1;
        clientBlockedSince = -1;
    }

    Expired check(long now, boolean requestComplete, boolean responseStarted, boolean responseComplete,
                  Timeouts timeouts, long clientIdleNanos) {
        long nextCheck = Long.MAX_VALUE;
        if (!requestComplete) {
            boolean backendStalled = upstreamBlockedSince >= 0;
            long due = backendStalled ? upstreamBlockedSince + timeouts.send().toNanos() : lastClientActivity + clientIdleNanos;
            if (now - due >= 0) return backendStalled ? Expired.SEND : Expired.CLIENT_BODY;
            nextCheck = due;
        }
        if ((requestComplete || responseStarted) && !responseComplete) {
            boolean clientStalled = clientBlockedSince >= 0;
            long due = clientStalled ? clientBlockedSince + clientIdleNanos : lastUpstreamActivity + timeouts.read().toNanos();
            if (now - due >= 0) return clientStalled ? Expired.CLIENT_READ : Expired.READ;
            nextCheck = Math.min(nextCheck, due);
        }
        next = nextCheck;
        return Expired.NONE;
    }
}
