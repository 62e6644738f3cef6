package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;

/** One HTTP/2 stream on a shared backend connection ({@link H2Connection}); streams are never reused. */
final class H2StreamLink extends UpstreamLink {
    private final H2Connection connection;

    H2StreamLink(H2Connection connection, Endpoint endpoint) {
        super(endpoint);
        this.connection = connection;
    }

    @Override
    boolean reused() {
        return false;
    }

    @Override
    void release(boolean reusable) {
        exchange = null;
        // A finished stream is already closed; closing an unfinished one sends RST_STREAM (CANCEL).
        if (channel.isActive()) channel.close();
    }

    @Override
    void detach() {
        // Streams are not pooled.
    }

    @Override
    void closed() {
        connection.streamClosed();
    }
}
