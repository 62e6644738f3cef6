package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.jspecify.annotations.Nullable;

/**
 * One multiplexed HTTP/2 connection to a backend endpoint (backend-protocol GRPC or GRPCS). Requests become
 * streams ({@link H2StreamLink}); many run at once, up to the backend's SETTINGS_MAX_CONCURRENT_STREAMS, after
 * which {@link LoopUpstreams} opens another connection. Event-loop confined.
 */
final class H2Connection {
    final PoolKey key;
    /** Completes with the connected (and TLS-handshaken) channel. */
    final Promise<Channel> ready;
    private @Nullable Channel channel;
    private @Nullable Http2FrameCodec codec;
    private int streams;
    long idleSince = System.nanoTime();

    H2Connection(PoolKey key, Promise<Channel> ready) {
        this.key = key;
        this.ready = ready;
    }

    void connected(Channel ch) {
        channel = ch;
        codec = ch.pipeline().get(Http2FrameCodec.class);
        H2Settings.enlargeConnectionWindow(codec);
        ready.trySuccess(ch);
    }

    /** Whether a new stream may go here: connecting or connected, no GOAWAY received, below the stream limit. */
    boolean usable() {
        if (!ready.isDone()) return true;
        if (!ready.isSuccess() || channel == null || !channel.isActive() || codec == null) return false;
        if (codec.connection().goAwayReceived()) return false;
        return streams < codec.connection().local().maxActiveStreams();
    }

    boolean dead() {
        return ready.isDone() && (!ready.isSuccess() || channel == null || !channel.isActive());
    }

    int streams() {
        return streams;
    }

    /** A new stream for a request to {@code endpoint}; fails if the connection does. */
    Future<UpstreamLink> open(Endpoint endpoint, Promise<UpstreamLink> promise) {
        streams++;
        ready.addListener(f -> {
            if (!f.isSuccess()) {
                streams--;
                promise.tryFailure(f.cause());
                return;
            }
            H2StreamLink link = new H2StreamLink(this, endpoint);
            new Http2StreamChannelBootstrap(channel)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel ch) {
                            ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false, true));
                            ch.pipeline().addLast(new H2RequestEncoder(key.tls()));
                            ch.pipeline().addLast(link);
                        }
                    })
                    .open()
                    .addListener(sf -> {
                        if (sf.isSuccess()) {
                            if (!promise.trySuccess(link)) ((Channel) sf.getNow()).close();
                        } else {
                            streams--;
                            promise.tryFailure(sf.cause());
                        }
                    });
        });
        return promise;
    }

    void streamClosed() {
        if (--streams == 0) {
            idleSince = System.nanoTime();
            if (codec != null && codec.connection().goAwayReceived()) close();
        }
    }

    void close() {
        if (channel != null) channel.close();
        else ready.tryFailure(new IllegalStateException("upstream pool closed"));
    }
}
