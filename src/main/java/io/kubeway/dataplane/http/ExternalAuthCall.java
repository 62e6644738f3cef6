package io.kubeway.dataplane.http;

import io.kubeway.state.http.ExternalAuth;
import io.kubeway.state.http.Timeouts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One external-auth subrequest ({@code auth-url}), as ingress-nginx's auth location sends it: the original method
 * (or {@code auth-method}) and headers, no body, plus {@code X-Original-URL}, {@code X-Original-Method},
 * {@code X-Auth-Request-Redirect}, {@code X-Sent-From} and the X-Forwarded-* set; {@code Host} is the auth
 * service's. A new connection on the client's event loop each time (no keepalive), the name resolved by Netty's
 * non-blocking DNS resolver, the whole call bounded by the route's connect plus read timeout, the answer's body
 * bounded by {@link #MAX_ANSWER_BYTES} and dropped. The answer is only a status and headers.
 */
final class ExternalAuthCall {
    /** The largest auth answer body read (and dropped); a larger one fails the call (500). */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    /** The auth service's answer. */
    record Answer(int status, HttpHeaders headers) {
    }

    private ExternalAuthCall() {
    }

    /**
     * The subrequest's head, built from the client's request before its headers are rewritten for the backend.
     *
     * @param originalUrl {@code $scheme://$http_host$request_uri}
     */
    static FullHttpRequest head(ExternalAuth spec, HttpRequest req, ClientConnection conn, InetAddress clientIp,
                                String hostHeader, String requestId, String originalUrl) {
        HttpHeaders h = new DefaultHttpHeaders().add(req.headers());
        Forwarding.stripHopByHop(h, false);
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        h.remove(HttpHeaderNames.EXPECT);
        Forwarding.addForwarded(h, conn.peer(), conn.peerTrusted(), clientIp, conn.tls(), hostHeader,
                conn.localPort(), requestId, conn.fullForwardedFor);
        h.set(HttpHeaderNames.HOST, spec.authority());
        h.set("X-Original-URL", originalUrl);
        h.set("X-Original-Method", req.method().name());
        h.set("X-Sent-From", "nginx-ingress-controller");
        h.set("X-Auth-Request-Redirect", spec.requestRedirect() != null ? spec.requestRedirect() : req.uri());
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpMethod method = spec.method() != null ? HttpMethod.valueOf(spec.method()) : req.method();
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, spec.pathAndQuery());
        out.headers().set(h);
        return out;
    }

    /**
     * Sends {@code head} to the auth service; the future completes on {@code loop}. With {@code auth-keepalive} an
     * idle connection of {@link AuthConnectionPool} is reused when there is one (and a call it fails before any
     * answer is retried once on a new connection: the service may have closed it meanwhile), and the connection goes
     * back to the pool after a keep-alive answer.
     */
    static Future<Answer> send(Engine engine, EventLoop loop, ExternalAuth spec, FullHttpRequest head,
                               Timeouts timeouts) {
        ExternalAuth.Keepalive keepalive = spec.keepalive();
        if (keepalive == null) {
            return send(engine, loop, spec.url(), spec.tls(), spec.host(), spec.port(), head, timeouts, null);
        }
        head.headers().remove(HttpHeaderNames.CONNECTION); // HTTP/1.1: keep-alive
        Channel idle = AuthConnectionPool.take(spec.url());
        if (idle == null) {
            return send(engine, loop, spec.url(), spec.tls(), spec.host(), spec.port(), head, timeouts, keepalive);
        }
        Promise<Answer> result = loop.newPromise();
        head.retain();
        Future<Answer> first = exchange(idle, loop, spec.url(), head, timeouts, keepalive);
        first.addListener((Future<Answer> f) -> {
            if (f.isSuccess()) {
                head.release();
                result.trySuccess(f.getNow());
            } else if (f.cause() instanceof ClosedChannelException && !result.isDone()) {
                send(engine, loop, spec.url(), spec.tls(), spec.host(), spec.port(), head, timeouts, keepalive)
                        .addListener((Future<Answer> again) -> {
                            if (again.isSuccess()) result.trySuccess(again.getNow());
                            else result.tryFailure(again.cause());
                        });
            } else {
                head.release();
                result.tryFailure(f.cause());
            }
        });
        result.addListener(done -> {
            if (done.isCancelled()) first.cancel(false);
        });
        return result;
    }

    /** Sends {@code head} on a pooled connection; the answer handler is the connection's. */
    private static Future<Answer> exchange(Channel ch, EventLoop loop, String url, FullHttpRequest head,
                                           Timeouts timeouts, ExternalAuth.Keepalive keepalive) {
        Promise<Answer> answer = loop.newPromise();
        AnswerHandler handler = ch.pipeline().get(AnswerHandler.class);
        handler.start(answer);
        ch.writeAndFlush(head).addListener(w -> {
            if (!w.isSuccess()) answer.tryFailure(new ClosedChannelException());
        });
        guard(loop, url, answer, ch, timeouts, Math.clamp(timeouts.connect().toMillis(), 1, 3_600_000));
        return answer;
    }

    /** Bounds the call in time; a failed or abandoned call's connection is closed, never pooled. */
    private static void guard(EventLoop loop, String url, Promise<Answer> answer, Channel ch, Timeouts timeouts,
                              long connectMillis) {
        long totalMillis = connectMillis + Math.clamp(timeouts.read().toMillis(), 1, 3_600_000);
        ScheduledFuture<?> timer = loop.schedule(() -> {
            answer.tryFailure(new TimeoutException("no answer from " + url + " within " + totalMillis + " ms"));
        }, totalMillis, TimeUnit.MILLISECONDS);
        answer.addListener(done -> {
            timer.cancel(false);
            if (!done.isSuccess()) ch.close();
        });
    }

    /**
     * Reads one answer per call into the current promise; then closes the connection, or with keepalive gives it
     * back to {@link AuthConnectionPool} when the answer allows and the connection has calls left.
     */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final String url;
        private final ExternalAuth.@Nullable Keepalive keepalive;
        private @Nullable Promise<Answer> current;
        private int calls;

        AnswerHandler(String url, ExternalAuth.@Nullable Keepalive keepalive) {
            this.url = url;
            this.keepalive = keepalive;
        }

        void start(Promise<Answer> p) {
            current = p;
            calls++;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            Promise<Answer> p = current;
            current = null;
            if (p == null) { // an answer nobody asked for
                ctx.close();
                return;
            }
            if (r.decoderResult().isFailure()) {
                p.tryFailure(r.decoderResult().cause());
                ctx.close();
                return;
            }
            boolean reuse = keepalive != null && HttpUtil.isKeepAlive(r) && calls < keepalive.requests()
                    && !p.isDone();
            p.trySuccess(new Answer(r.status().code(), r.headers().copy()));
            if (reuse) AuthConnectionPool.offer(url, ctx.channel(), keepalive);
            else ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            AuthConnectionPool.closed(ctx.channel());
            Promise<Answer> p = current;
            if (p != null) p.tryFailure(new ClosedChannelException());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Promise<Answer> p = current;
            if (p != null) p.tryFailure(cause);
            ctx.close();
        }
    }

    /**
     * Sends {@code head} to {@code host:port} on a new connection (also the mirror's one-shot request,
     * {@link MirrorCopy}); the future completes on {@code loop}.
     */
    static Future<Answer> send(Engine engine, EventLoop loop, String url, boolean tls, String host, int port,
                               FullHttpRequest head, Timeouts timeouts) {
        return send(engine, loop, url, tls, host, port, head, timeouts, null);
    }

    private static Future<Answer> send(Engine engine, EventLoop loop, String url, boolean tls, String host, int port,
                                       FullHttpRequest head, Timeouts timeouts,
                                       ExternalAuth.@Nullable Keepalive keepalive) {
        Promise<Answer> answer = loop.newPromise();
        AnswerHandler handler = new AnswerHandler(url, keepalive);
        handler.start(answer);
        long connectMillis = Math.clamp(timeouts.connect().toMillis(), 1, 3_600_000);
        Bootstrap b = new Bootstrap().group(loop).channel(engine.transport().socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
                .resolver(engine.authResolver())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls) {
                            ch.pipeline().addLast("tls", engine.upstreamTls(false).newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast("codec", new HttpClientCodec(engine.upstreamDecoderConfig(), false,
                                false));
                        ch.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_ANSWER_BYTES));
                        ch.pipeline().addLast("answer", handler);
                    }
                });
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        InetSocketAddress to;
        try {
            to = ip != null ? new InetSocketAddress(InetAddress.getByAddress(ip), port)
                    : InetSocketAddress.createUnresolved(host, port);
        } catch (java.net.UnknownHostException e) { // not for a literal's bytes
            head.release();
            answer.tryFailure(e);
            return answer;
        }
        ChannelFuture connect = b.connect(to);
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                f.channel().writeAndFlush(head);
            } else {
                head.release();
                answer.tryFailure(f.cause());
            }
        });
        guard(loop, url, answer, connect.channel(), timeouts, connectMillis);
        return answer;
    }
}
