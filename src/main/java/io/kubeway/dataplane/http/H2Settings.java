package io.kubeway.dataplane.http;

import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * HTTP/2 flow-control windows for both sides of the proxy. Streams get 256 KiB, connections 2 MiB: the RFC's
 * 64 KiB default connection window would let one stalled stream (a slow reader on the other side, whose data
 * stays unconsumed) block every other stream of the connection. Memory stays bounded: at most the
 * connection window waits unconsumed per connection.
 */
final class H2Settings {
    static final int STREAM_WINDOW = 256 * 1024;
    static final int CONNECTION_WINDOW = 2 * 1024 * 1024;
    static final long MAX_CONCURRENT_STREAMS = 256;

    private H2Settings() {
    }

    static Http2Settings server(int maxHeaderBytes) {
        return Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(maxHeaderBytes);
    }

    static Http2Settings client() {
        return Http2Settings.defaultSettings().initialWindowSize(STREAM_WINDOW).pushEnabled(false);
    }

    /** Raises the connection-level receive window; call on the event loop once the codec is in the pipeline. */
    static void enlargeConnectionWindow(Http2FrameCodec codec) {
        if (codec == null) return;
        try {
            var connection = codec.connection();
            int current = connection.local().flowController().windowSize(connection.connectionStream());
            if (current < CONNECTION_WINDOW) {
                connection.local().flowController()
                        .incrementWindowSize(connection.connectionStream(), CONNECTION_WINDOW - current);
            }
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot enlarge the HTTP/2 connection window", e);
        }
    }
}
