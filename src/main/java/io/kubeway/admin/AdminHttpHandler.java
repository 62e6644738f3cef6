package io.kubeway.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

import static java.util.Objects.requireNonNull;

/**
 * Adapts one decoded HTTP request to {@link AdminRouter}: checks what the router should never see (a broken or
 * oversized head, a foreign {@code Host}), answers {@code HEAD} as {@code GET} without the body, and writes the
 * answer, keeping the connection open when the client asked for keep-alive.
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    /** Answers one connection may have unwritten at once (pipelined requests); more closes the connection. */
    static final int MAX_PENDING = 16;

    private final AdminRouter router;
    private final HostCheck hosts;
    private final AdminTimeouts timeouts;
    private final AdminMeters meters;
    private int pending;

    AdminHttpHandler(AdminRouter router, HostCheck hosts, AdminTimeouts timeouts, AdminMeters meters) {
        this.router = requireNonNull(router, "router");
        this.hosts = requireNonNull(hosts, "hosts");
        this.timeouts = requireNonNull(timeouts, "timeouts");
        this.meters = requireNonNull(meters, "meters");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        timeouts.requestRead();
        if (++pending > MAX_PENDING) {
            meters.refused("pipelined");
            ctx.close();
            return;
        }
        // one request at a time: no more is read until this answer is written (pipelined requests already read
        // wait in the decoder, at most MAX_PENDING of them)
        ctx.channel().config().setAutoRead(false);
        boolean head = HttpMethod.HEAD.equals(request.method());
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            meters.refused("bad-request");
            Throwable cause = decoded.cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            write(ctx, KubeStatus.failure(status, "BadRequest", "malformed request: " + cause.getMessage()), head,
                    false);
            return;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (!hosts.allows(host, request.protocolVersion().equals(HttpVersion.HTTP_1_0))) {
            meters.refused("host");
            log.debug("admin API refused Host {} from {}", host, ctx.channel().remoteAddress());
            write(ctx, KubeStatus.forbiddenHost(host), head, HttpUtil.isKeepAlive(request));
            return;
        }
        write(ctx, route(request, head), head, HttpUtil.isKeepAlive(request));
    }

    private AdminResponse route(FullHttpRequest request, boolean head) {
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            return KubeStatus.badRequest("invalid request target: " + e.getMessage());
        }
        String method = head ? "GET" : request.method().name();
        try {
            return router.handle(method, uri.getPath() == null ? "" : uri.getPath(), uri.getRawQuery());
        } catch (RuntimeException e) {
            log.warn("admin API failed to serve {} {}", request.method(), request.uri(), e);
            return KubeStatus.internalError("internal error: " + e);
        }
    }

    private void write(ChannelHandlerContext ctx, AdminResponse answer, boolean head, boolean keepAlive) {
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        answer.headers().forEach((name, value) -> response.headers().set(name, value));
        // HEAD: the length the GET body would have, and no body (RFC 9110 9.3.2)
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
            pending--;
            if (!keepAlive || !f.isSuccess()) {
                f.channel().close();
            } else {
                if (pending == 0) {
                    timeouts.responseWritten();
                }
                f.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin API connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
