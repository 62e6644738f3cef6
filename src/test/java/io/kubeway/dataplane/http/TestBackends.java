package io.kubeway.dataplane.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Netty backends for the HTTP/2 and TLS tests. */
final class TestBackends implements AutoCloseable {
    private final EventLoopGroup group = ProxyFixture.TRANSPORT.newGroup(1, "test-backend");
    private final Channel server;
    final AtomicInteger connections = new AtomicInteger();

    private TestBackends(InetSocketAddress listen, SslContext ssl, ChannelInitializer<Channel> protocol) {
        server = new ServerBootstrap().group(group).channel(ProxyFixture.TRANSPORT.serverSocketChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (ssl != null) ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        ch.pipeline().addLast(protocol);
                    }
                })
                .bind(listen).syncUninterruptibly().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /**
     * A gRPC-shaped HTTP/2 backend: answers every stream at once with {@code 200} and
     * {@code content-type: application/grpc} (plus {@code x-seen-*} headers describing the request), echoes each
     * DATA frame as it arrives, and ends with trailers {@code grpc-status: 0}. A request whose path ends in
     * {@code /fail} gets a trailers-only response with {@code grpc-status: 13}.
     */
    static TestBackends grpc(InetSocketAddress listen, SslContext ssl) {
        return new TestBackends(listen, ssl, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel stream) {
                        stream.pipeline().addLast(new GrpcEcho());
                    }
                }));
            }
        });
    }

    private static final class GrpcEcho extends SimpleChannelInboundHandler<Http2StreamFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame h && h.headers().method() != null) {
                Http2Headers req = h.headers();
                if (req.path().toString().endsWith("/fail")) {
                    ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .add("content-type", "application/grpc").add("grpc-status", "13")
                            .add("grpc-message", "failed on purpose"), true));
                    return;
                }
                Http2Headers resp = new DefaultHttp2Headers().status("200").add("content-type", "application/grpc")
                        .add("x-seen-authority", String.valueOf(req.authority()))
                        .add("x-seen-scheme", String.valueOf(req.scheme()))
                        .add("x-seen-path", String.valueOf(req.path()))
                        .add("x-seen-te", String.valueOf(req.get("te")))
                        .add("x-seen-xff", String.valueOf(req.get("x-forwarded-for")));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(resp, false));
                if (h.isEndStream()) trailers(ctx);
            } else if (frame instanceof Http2DataFrame d) {
                if (d.content().isReadable()) ctx.writeAndFlush(new DefaultHttp2DataFrame(d.content().retain(), false));
                if (d.isEndStream()) trailers(ctx);
            }
        }

        private static void trailers(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0")
                    .add("grpc-message", "ok"), true));
        }
    }

    /** HTTP/1.1 (over TLS if {@code ssl}) answering {@code tls=<yes|no> path=<uri> proto=<x-forwarded-proto>}. */
    static TestBackends http1(InetSocketAddress listen, SslContext ssl) {
        return new TestBackends(listen, ssl, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                        new HttpObjectAggregator(1 << 20), new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                String text = "tls=" + (ssl != null ? "yes" : "no") + " path=" + req.uri()
                                        + " proto=" + req.headers().get("x-forwarded-proto");
                                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK, Unpooled.wrappedBuffer(b));
                                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
                                ctx.writeAndFlush(r);
                            }
                        });
            }
        });
    }

    /** Echoes WebSocket text and binary messages on {@code /ws}. */
    static TestBackends webSocketEcho(InetSocketAddress listen) {
        return new TestBackends(listen, null, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder().websocketPath("/ws")
                                .maxFramePayloadLength(4 << 20).build()),
                        new SimpleChannelInboundHandler<WebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                ctx.writeAndFlush(frame.retainedDuplicate());
                            }
                        });
            }
        });
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
