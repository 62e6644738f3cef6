package io.kubeway.dataplane.http;

import io.kubeway.state.http.UpstreamPolicy.Case;
import io.kubeway.state.http.UpstreamPolicy.NextUpstream;
import io.netty.handler.codec.http.HttpMethod;

/**
 * Whether a request may move on to another endpoint, as nginx's {@code proxy_next_upstream},
 * {@code proxy_next_upstream_tries} and {@code proxy_next_upstream_timeout} decide: only for a listed case, within
 * the tries and the time; a request that reached a backend moves on only if it was idempotent (or
 * {@code non_idempotent} is listed) and none of its body went out (Kubeway streams bodies and keeps no copy to
 * send again, where nginx buffers them by default). A connect failure sent nothing, so any method moves on.
 * One per request, made at its first failure.
 */
final class Retries {
    private final NextUpstream policy;
    private final long startNanos;
    private int attempts = 1;

    Retries(NextUpstream policy, long startNanos) {
        this.policy = policy;
        this.startNanos = startNanos;
    }

    /**
     * @param sent      whether the request head reached the backend (anything but a connect failure)
     * @param bodyBytes request body bytes already sent
     */
    boolean allows(Case c, HttpMethod method, boolean sent, long bodyBytes, long nowNanos) {
        if (!policy.when().contains(c)) return false;
        if (policy.tries() > 0 && attempts >= policy.tries()) return false;
        if (!policy.timeout().isZero() && nowNanos - startNanos >= policy.timeout().toNanos()) return false;
        if (sent && bodyBytes > 0) return false;
        return !sent || idempotent(method) || policy.when().contains(Case.NON_IDEMPOTENT);
    }

    /** Counts one more attempt. */
    void attempted() {
        attempts++;
    }

    /** nginx's non-idempotent methods are POST, LOCK and PATCH. */
    static boolean idempotent(HttpMethod m) {
        String n = m.name();
        return !n.equals("POST") && !n.equals("LOCK") && !n.equals("PATCH");
    }
}
