package io.kubeway.dataplane.http;

import io.kubeway.dataplane.PeerLog;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The handlers of an accepted client connection, by protocol.
 *
 * <ul>
 *   <li>HTTPS: {@code SniHandler} picks the certificate from the ClientHello ({@link ServerTls}), then ALPN picks
 *       HTTP/2 ({@code h2}) or HTTP/1.1 (also when the client offers no ALPN).</li>
 *   <li>HTTP: the first bytes tell HTTP/2 with prior knowledge (the connection preface {@code PRI * HTTP/2.0})
 *       from HTTP/1.1.</li>
 *   <li>HTTP/1.1: {@code HttpServerCodec} with the configured limits, one {@link ProxyHandler}.</li>
 *   <li>HTTP/2: {@code Http2FrameCodec} and {@code Http2MultiplexHandler}; every stream is a child channel with
 *       {@code Http2StreamFrameToHttpObjectCodec} and its own {@link ProxyHandler}, so streams run the same
 *       request logic as HTTP/1.1 connections, each with stream-level flow control as backpressure.</li>
 * </ul>
 */
final class Pipelines {
    private static final Logger log = LoggerFactory.getLogger(Pipelines.class);
    /** A ClientHello with post-quantum key shares is a few KiB; more is not a browser. */
    private static final int MAX_CLIENT_HELLO = 64 * 1024;

    private Pipelines() {
    }

    /**
     * Sets up a freshly accepted connection. Cleartext starts as HTTP/1.1 behind a {@link PrefaceSniffer} that
     * switches to HTTP/2 only if the first bytes are the HTTP/2 preface: the common case costs no pipeline
     * rebuild. The request header timeout is the HTTP/1.1 proxy handler's first idle period.
     */
    static void accept(Channel ch, ClientConnection conn, Engine engine) {
        ChannelPipeline p = ch.pipeline();
        if (conn.tls()) {
            long timeoutMillis = engine.config().requestHeaderTimeout().toMillis();
            p.addLast("start", new StartReading());
            p.addLast("sni", new Sni(conn, engine, timeoutMillis));
            p.addLast("alpn", new Alpn(conn, engine));
        } else {
            p.addLast("sniff", new PrefaceSniffer(conn, engine));
            http1(p, conn, engine);
        }
    }

    /** HTTP/1.1: the codec (with the header and line limits), then one proxy handler for the connection. */
    static void http1(ChannelPipeline p, ClientConnection conn, Engine engine) {
        p.addLast("http1", new HttpServerCodec(engine.serverDecoderConfig()));
        p.addLast("proxy", new ProxyHandler(engine, conn, false));
    }

    /** HTTP/2: frames, streams as child channels, and an idle timeout for connections without streams. */
    static void http2(Channel ch, ClientConnection conn, Engine engine) {
        ChannelPipeline p = ch.pipeline();
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(H2Settings.server(engine.tuning().maxHeaderBytes()))
                .build();
        p.addLast("h2", codec);
        p.addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.config().setAutoRead(false);
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
                stream.pipeline().addLast(new ProxyHandler(engine, conn, true));
            }
        }));
        p.addLast("errors", PeerLog.TAIL); // the multiplexer passes on connection errors (resets, I/O)
        long keepAlive = engine.tuning().keepAliveNanos(); // keep-alive 0 is for HTTP/1.1: HTTP/2 keeps the default
        p.addBefore("h2", "h2-idle", new H2IdleTimeout(codec, keepAlive > 0 ? keepAlive : engine.clientIdleNanos()));
        H2Settings.enlargeConnectionWindow(codec);
        // Frames of all streams share the connection: it must always read; streams pace themselves with
        // flow control (a stream's window only reopens as its proxy handler consumes the data).
        ch.config().setAutoRead(true);
    }

    /** After the TLS handshake: HTTP/2 or HTTP/1.1 by ALPN. */
    private static final class Alpn extends ApplicationProtocolNegotiationHandler {
        private final ClientConnection conn;
        private final Engine engine;

        Alpn(ClientConnection conn, Engine engine) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.conn = conn;
            this.engine = engine;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            ClientVerifier verifier = conn.verifier;
            if (verifier != null) {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                conn.clientCertificate = verifier.verify(tls.engine().getSession());
            }
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx.channel(), conn, engine);
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                http1(ctx.pipeline(), conn, engine);
            } else {
                throw new IllegalStateException("unexpected ALPN protocol " + protocol);
            }
        }

        /** Netty's own logs a WARN with the stack trace (a client resetting mid-handshake): one line instead. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            PeerLog.fault(log, ctx.channel(), cause);
            ctx.close();
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            PeerLog.fault(log, ctx.channel() + " TLS handshake", cause);
            ctx.close();
        }
    }

    /**
     * Picks the context by the ClientHello's server name ({@link ServerTls#entry}, looked up once) and notes on the
     * connection the name and, when that name asks for a client certificate, its verifier. A name of an
     * {@code ssl-passthrough} host is not terminated: the connection goes to {@link Passthrough} with the ClientHello
     * (within the same size and time bounds, read once, never copied).
     */
    private static final class Sni extends SniHandler {
        private final ClientConnection conn;
        private final Engine engine;
        private final ServerTls tls;
        private ServerTls.@Nullable Entry entry;
        private io.kubeway.state.http.@Nullable HttpCluster passthrough;

        Sni(ClientConnection conn, Engine engine, long timeoutMillis) {
            super(engine.serverTls(), MAX_CLIENT_HELLO, timeoutMillis);
            this.conn = conn;
            this.engine = engine;
            this.tls = engine.serverTls();
        }

        @Override
        protected io.netty.util.concurrent.Future<SslContext> lookup(ChannelHandlerContext ctx, String hostname) {
            passthrough = engine.passthrough(hostname);
            entry = tls.entry(hostname);
            return ctx.executor().newSucceededFuture(entry == null ? null : entry.context());
        }

        @Override
        protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext context) throws Exception {
            if (passthrough != null) {
                ctx.pipeline().remove("alpn");
                ctx.pipeline().replace(this, "passthrough", new Passthrough(passthrough, engine, conn));
                return;
            }
            conn.serverName = hostname == null || hostname.isEmpty() ? null : ServerTls.normalize(hostname);
            conn.verifier = entry == null ? null : entry.verifier();
            super.replaceHandler(ctx, hostname, context);
        }
    }

    /** The channel runs with AUTO_READ off: asks for the first bytes once it is active (TLS: the ClientHello). */
    private static final class StartReading extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.fireChannelActive();
            ctx.read();
            ctx.pipeline().remove(this);
        }
    }

    /**
     * Cleartext: HTTP/2 with prior knowledge starts with the 24-byte connection preface; anything else is
     * HTTP/1.1, which the pipeline already is. Bytes that could still be the preface are held back (the HTTP/1.1
     * handler behind keeps asking for more, within its request header timeout); once the answer is known the
     * sniffer leaves, replacing the HTTP/1.1 handlers by HTTP/2 ones if needed, and passes on what it held.
     */
    private static final class PrefaceSniffer extends ChannelInboundHandlerAdapter {
        private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

        private final ClientConnection conn;
        private final Engine engine;
        private @Nullable ByteBuf held;

        PrefaceSniffer(ClientConnection conn, Engine engine) {
            this.conn = conn;
            this.engine = engine;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf in)) {
                ctx.fireChannelRead(msg);
                return;
            }
            ByteBuf data = in;
            if (held != null) {
                data = ctx.alloc().buffer(held.readableBytes() + in.readableBytes()).writeBytes(held).writeBytes(in);
                held.release();
                in.release();
                held = null;
            }
            int n = Math.min(data.readableBytes(), PREFACE.readableBytes());
            boolean prefix = ByteBufUtil.equals(data, data.readerIndex(), PREFACE, PREFACE.readerIndex(), n);
            if (prefix && n < PREFACE.readableBytes()) { // could still be HTTP/2: wait for more
                held = data;
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            if (prefix) {
                p.remove("proxy");
                p.remove("http1");
                http2(ctx.channel(), conn, engine);
            }
            p.remove(this);
            ctx.fireChannelRead(data);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (held != null) {
                held.release();
                held = null;
            }
        }
    }

    /** Closes an HTTP/2 connection (with GOAWAY) that saw no frame and had no open stream for the client idle timeout. */
    private static final class H2IdleTimeout extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;
        private final long idleNanos;
        private long lastBusy = System.nanoTime();
        private ScheduledFuture<?> timer;

        H2IdleTimeout(Http2FrameCodec codec, long idleNanos) {
            this.codec = codec;
            this.idleNanos = idleNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            schedule(ctx, idleNanos);
        }

        private void schedule(ChannelHandlerContext ctx, long delay) {
            timer = ctx.executor().schedule(() -> check(ctx), Math.max(delay, 1), TimeUnit.NANOSECONDS);
        }

        private void check(ChannelHandlerContext ctx) {
            if (!ctx.channel().isActive()) return;
            long now = System.nanoTime();
            if (codec.connection().numActiveStreams() > 0) lastBusy = now;
            long due = lastBusy + idleNanos;
            if (now - due >= 0) {
                log.debug("{}: idle HTTP/2 connection, closing", ctx.channel());
                ctx.close();
            } else {
                schedule(ctx, Math.min(due - now, idleNanos));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lastBusy = System.nanoTime(); // any frame, PINGs included, counts as use
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (timer != null) timer.cancel(false);
            ctx.fireChannelInactive();
        }
    }
}
