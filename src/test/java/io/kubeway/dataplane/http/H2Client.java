package io.kubeway.dataplane.http;

import io.kubeway.dataplane.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client at the frame level (cleartext with prior knowledge, or TLS with ALPN h2), for what the JDK
 * client cannot do: h2c without upgrade, reading trailers, interleaving request and response DATA frames.
 */
final class H2Client implements AutoCloseable {
    private final EventLoopGroup group = ProxyFixture.TRANSPORT.newGroup(1, "h2-client");
    private final Channel channel;
    /** Completed with the last stream id of the server's GOAWAY. */
    final CompletableFuture<Integer> goAway = new CompletableFuture<>();

    /** What a stream received: HEADERS (with endStream), DATA (bytes, endStream) or a reset. */
    record Frame(Http2Headers headers, byte[] data, boolean endStream, boolean reset) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** A whole response: head, body, trailers (null if none). */
    record Response(Http2Headers headers, byte[] body, Http2Headers trailers) {
        String status() {
            return headers.status().toString();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    H2Client(InetSocketAddress target, SslContext ssl, String sni) {
        Transport t = ProxyFixture.TRANSPORT;
        channel = new Bootstrap().group(group).channel(t.socketChannel())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) ch.pipeline().addLast(ssl.newHandler(ch.alloc(), sni, target.getPort()));
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel c) {
                                c.close();
                            }
                        }));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame g) goAway.complete(g.lastStreamId());
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                })
                .connect(target).syncUninterruptibly().channel();
    }

    /** Whether the connection is closed. */
    boolean closed() {
        return !channel.isOpen();
    }

    /** A new stream. */
    Stream open() {
        Stream s = new Stream();
        s.channel = new Http2StreamChannelBootstrap(channel).handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                switch (frame) {
                    case Http2HeadersFrame h -> s.frames.add(new Frame(h.headers(), null, h.isEndStream(), false));
                    case Http2DataFrame d -> s.frames.add(new Frame(null, ByteBufUtil.getBytes(d.content()), d.isEndStream(), false));
                    case Http2ResetFrame r -> s.frames.add(new Frame(null, null, true, true));
                    default -> { }
                }
            }
        }).open().syncUninterruptibly().getNow();
        return s;
    }

    /**
     * Sends a request and waits for the whole response. A server may answer in full, and close the stream, before the
     * request body is sent (a gRPC trailers-only error does): the body's write then fails, and the response counts.
     */
    Response exchange(Http2Headers request, byte[] body) throws InterruptedException {
        Stream s = open();
        s.headers(request, body == null);
        if (body != null) {
            io.netty.channel.ChannelFuture sent = s.channel.writeAndFlush(
                    new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true)).awaitUninterruptibly();
            if (!sent.isSuccess() && !(sent.cause() instanceof java.nio.channels.ClosedChannelException)) {
                throw new IllegalStateException("sending the request body failed", sent.cause());
            }
        }
        return s.response();
    }

    static Http2Headers request(String method, String scheme, String authority, String path) {
        return new DefaultHttp2Headers().method(method).scheme(scheme).authority(authority).path(path);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static final class Stream {
        final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
        Http2StreamChannel channel;

        void headers(Http2Headers h, boolean endStream) {
            channel.writeAndFlush(new DefaultHttp2HeadersFrame(h, endStream)).syncUninterruptibly();
        }

        /** HEADERS then RST_STREAM(CANCEL) in one flush: the shape of the rapid reset attack (CVE-2023-44487). */
        void headersThenReset(Http2Headers h) {
            channel.write(new DefaultHttp2HeadersFrame(h, true));
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).syncUninterruptibly();
        }

        void reset() {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).syncUninterruptibly();
        }

        void data(byte[] bytes, boolean endStream) {
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), endStream)).syncUninterruptibly();
        }

        Frame next() throws InterruptedException {
            Frame f = frames.poll(10, TimeUnit.SECONDS);
            if (f == null) throw new AssertionError("no frame within 10 s");
            return f;
        }

        /** Reads until the end of the stream. */
        Response response() throws InterruptedException {
            Http2Headers head = null;
            Http2Headers trailers = null;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                Frame f = next();
                if (f.reset()) throw new AssertionError("stream reset");
                if (f.headers() != null) {
                    if (head == null || head.status().charAt(0) == '1') head = f.headers();
                    else trailers = f.headers();
                } else {
                    body.writeBytes(f.data());
                }
                if (f.endStream()) return new Response(head, body.toByteArray(), trailers);
            }
        }
    }
}
