package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;

/**
 * A keep-alive HTTP/1.1 connection to one endpoint, lent to one exchange at a time by its {@link LoopUpstreams}.
 */
final class H1Link extends UpstreamLink {
    private final LoopUpstreams pool;
    final PoolKey key;
    private boolean reused;
    private boolean detached;
    /** Requests this connection has carried (upstream-keepalive-requests). */
    private int uses;
    /** When it went back to the pool (System.nanoTime). */
    long idleSince;

    H1Link(LoopUpstreams pool, PoolKey key, Endpoint endpoint) {
        super(endpoint);
        this.pool = pool;
        this.key = key;
    }

    @Override
    boolean reused() {
        return reused;
    }

    int uses() {
        return uses;
    }

    @Override
    void release(boolean reusable) {
        exchange = null;
        uses++;
        if (reusable && !detached && channel.isActive() && pool.offer(this)) {
            reused = true;
        } else {
            channel.close();
        }
    }

    @Override
    void detach() {
        detached = true;
    }

    @Override
    void closed() {
        if (!detached) pool.remove(this);
    }
}
