package io.kubeway.dataplane.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;

/** The handlers of an accepted client connection, by protocol. */
final class Pipelines {
    private Pipelines() {
    }

    /** Sets up a freshly accepted connection. */
    static void accept(Channel ch, ClientConnection conn, Engine engine) {
        http1(ch.pipeline(), conn, engine);
    }

    /** HTTP/1.1: the codec (with the header and line limits), then one proxy handler for the connection. */
    static void http1(ChannelPipeline p, ClientConnection conn, Engine engine) {
        p.addLast("http1", new HttpServerCodec(engine.serverDecoderConfig()));
        p.addLast("proxy", new ProxyHandler(engine, conn, false));
    }
}
