package io.kubeway.dataplane.http;

import io.kubeway.state.ListenKey;
import io.kubeway.state.http.RequestView;
import io.kubeway.state.http.Timeouts;
import io.kubeway.state.http.UpstreamPolicy.Mirror;
import io.kubeway.state.http.routing.HashKey;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.jspecify.annotations.Nullable;

/**
 * The copy of one request for its route's mirror ({@code mirror-target}, nginx's {@code mirror}): the head meant for
 * the backend (X-Forwarded-* and all) with the mirror's {@code Host} and request target, and, with
 * {@code mirror-request-body: on}, the body, gathered as it streams to the backend (the buffers are shared, not
 * copied) and sent once complete. The copy is one request on a new connection whose answer is dropped; the main
 * request never waits for it, and its failure changes nothing there. Bounded by {@link Mirrors}. Runs on the client's
 * event loop; {@link #close} (the exchange's end) frees what was gathered if the copy never left.
 */
final class MirrorCopy {
    private final Engine engine;
    private final EventLoop loop;
    private final ListenKey listener;
    private final Mirror mirror;
    private final Timeouts timeouts;
    private final HttpRequest head;
    private @Nullable CompositeByteBuf body;
    private boolean done;

    private MirrorCopy(Engine engine, EventLoop loop, ListenKey listener, Mirror mirror, Timeouts timeouts,
                       HttpRequest head, @Nullable CompositeByteBuf body) {
        this.engine = engine;
        this.loop = loop;
        this.listener = listener;
        this.mirror = mirror;
        this.timeouts = timeouts;
        this.head = head;
        this.body = body;
    }

    /**
     * Starts the copy of a request whose backend head is {@code upstream}; without body (or body mirroring) it leaves
     * at once and null is returned, else the copy waits for {@link #content}.
     */
    static @Nullable MirrorCopy start(Engine engine, EventLoop loop, ListenKey listener, Mirror mirror,
                                      Timeouts timeouts, HttpRequest upstream, RequestView view, boolean hasBody) {
        HttpHeaders h = upstream.headers().copy();
        h.set(HttpHeaderNames.HOST, mirror.authority());
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        h.remove(HttpHeaderNames.EXPECT);
        String target = mirror.pathTemplate() == null ? upstreamTarget(view)
                : HashKey.parse(mirror.pathTemplate()).evaluate(view, view.path());
        if (!target.startsWith("/")) target = "/" + target;
        HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, upstream.method(),
                target, h);
        boolean withBody = mirror.requestBody() && hasBody;
        MirrorCopy c = new MirrorCopy(engine, loop, listener, mirror, timeouts, head,
                withBody ? io.netty.buffer.Unpooled.compositeBuffer(64) : null);
        if (withBody) return c;
        c.send();
        return null;
    }

    private static String upstreamTarget(RequestView view) {
        return view.query() == null ? view.path() : view.path() + "?" + view.query();
    }

    /** A part of the request body, on its way to the backend (not consumed here). */
    void content(HttpContent c) {
        if (done || body == null) return;
        if (body.readableBytes() + (long) c.content().readableBytes() > Mirrors.MAX_BODY_BYTES) {
            engine.mirrors().bodyTooLarge();
            close();
            return;
        }
        if (c.content().isReadable()) body.addComponent(true, c.content().retainedDuplicate());
        if (c instanceof LastHttpContent) send();
    }

    private void send() {
        if (done) return;
        done = true;
        CompositeByteBuf b = body;
        body = null;
        if (!engine.mirrors().start(listener)) {
            if (b != null) b.release();
            return;
        }
        HttpHeaders h = head.headers();
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        if (b != null && b.isReadable() || h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            h.set(HttpHeaderNames.CONTENT_LENGTH, b == null ? 0 : b.readableBytes());
        }
        FullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, head.method(), head.uri(),
                b != null ? b : io.netty.buffer.Unpooled.EMPTY_BUFFER);
        full.headers().set(h);
        ExternalAuthCall.send(engine, loop, mirror.url(), mirror.tls(), mirror.host(), mirror.port(), full, timeouts)
                .addListener(f -> engine.mirrors().done(listener, f.isSuccess()));
    }

    /** The exchange ended: a copy still gathering its body is dropped. */
    void close() {
        done = true;
        CompositeByteBuf b = body;
        body = null;
        if (b != null) b.release();
    }
}
