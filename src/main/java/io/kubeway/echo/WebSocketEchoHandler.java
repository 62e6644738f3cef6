package io.kubeway.echo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Echoes WebSocket text and binary frames on {@code /ws} (the handshake, pings and close are handled by
 * Netty's WebSocketServerProtocolHandler in front of it). Other messages pass on to the HTTP handler.
 */
final class WebSocketEchoHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            ctx.writeAndFlush(frame.retainedDuplicate());
        }
    }
}
