package io.kubeway.echo;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers each HTTP request with 200 and JSON describing it, or with N pattern bytes for {@code /bytes/N}.
 * Keep-alive and {@code Connection: close} are handled by the {@code HttpServerKeepAliveHandler} before it.
 */
final class HttpEchoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The most {@code /bytes/N} serves. */
    static final long MAX_BYTES = 1L << 30;
    private static final Pattern BYTES = Pattern.compile("/bytes/(\\d{1,12})");

    private final String name;
    private ChannelFuture lastResponse;
    private boolean inputShutdown;

    HttpEchoHandler(String name) {
        this.name = name;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, HttpResponseStatus.BAD_REQUEST, Map.of("error", "malformed request"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        Matcher m = BYTES.matcher(uri.rawPath());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            if (n > MAX_BYTES) {
                respond(ctx, req, HttpResponseStatus.BAD_REQUEST, Map.of("error", "at most " + MAX_BYTES + " bytes"));
            } else {
                stream(ctx, req, n);
            }
            return;
        }
        respond(ctx, req, HttpResponseStatus.OK, describe(ctx, req, uri));
    }

    /** The JSON fields: backend, method, path, uri, host, headers (repeated ones joined with ", "), client. */
    private Map<String, Object> describe(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backend", name);
        body.put("method", req.method().name());
        body.put("path", uri.rawPath());
        body.put("uri", req.uri());
        body.put("host", req.headers().get(HttpHeaderNames.HOST, ""));
        body.put("headers", headers);
        body.put("client", hostPort((InetSocketAddress) ctx.channel().remoteAddress()));
        return body;
    }

    static String hostPort(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    private ChannelFuture respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                                  Map<String, ?> json) {
        byte[] bytes = Serialization.jsonMapper().writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        boolean head = req.method().equals(HttpMethod.HEAD);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        HttpUtil.setKeepAlive(resp, HttpUtil.isKeepAlive(req));
        return track(ctx, ctx.writeAndFlush(resp));
    }

    private void stream(ChannelHandlerContext ctx, FullHttpRequest req, long n) {
        HttpResponse resp = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, n);
        HttpUtil.setKeepAlive(resp, HttpUtil.isKeepAlive(req));
        ctx.write(resp);
        Object body = req.method().equals(HttpMethod.HEAD)
                ? LastHttpContent.EMPTY_LAST_CONTENT
                : new HttpChunkedInput(new PatternBytes(n));
        track(ctx, ctx.writeAndFlush(body));
    }

    private ChannelFuture track(ChannelHandlerContext ctx, ChannelFuture f) {
        lastResponse = f;
        if (inputShutdown) f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client sent its last request: close once the answers are out.
            inputShutdown = true;
            if (lastResponse == null || lastResponse.isDone()) ctx.close();
            else lastResponse.addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
