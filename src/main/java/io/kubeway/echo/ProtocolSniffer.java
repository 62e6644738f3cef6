package io.kubeway.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks at the first bytes of a TCP connection: an HTTP/1.x request line (a known method and a space)
 * switches the pipeline to HTTP, anything else to raw echo. A prefix that could still become a method
 * ("GE") waits for more bytes, but at most {@link #UNDECIDED_MILLIS} ms, so a raw client sending "G" and
 * waiting for its echo is not stuck. The bytes seen so far are passed on to the chosen handlers.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
    static final long UNDECIDED_MILLIS = 200;
    /** The largest HTTP request body the echo aggregates. */
    static final int MAX_REQUEST_BYTES = 1 << 20;

    enum Verdict { HTTP, RAW, UNDECIDED }

    private static final List<byte[]> METHODS = List.of("GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ",
            "PATCH ", "TRACE ", "CONNECT ").stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toList();

    private final String name;
    private ScheduledFuture<?> timer;
    private boolean decided;

    ProtocolSniffer(String name) {
        this.name = name;
    }

    /** What the readable bytes of {@code in} say the connection speaks. */
    static Verdict classify(ByteBuf in) {
        boolean maybe = false;
        int start = in.readerIndex();
        for (byte[] method : METHODS) {
            int n = Math.min(in.readableBytes(), method.length);
            boolean prefix = true;
            for (int i = 0; i < n && prefix; i++) prefix = in.getByte(start + i) == method[i];
            if (prefix && n == method.length) return Verdict.HTTP;
            maybe |= prefix;
        }
        return maybe ? Verdict.UNDECIDED : Verdict.RAW;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (classify(in)) {
            case HTTP -> switchTo(ctx, true);
            case RAW -> switchTo(ctx, false);
            case UNDECIDED -> {
                if (timer == null) {
                    timer = ctx.executor().schedule(() -> switchTo(ctx, false), UNDECIDED_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && !decided) {
            // The client is done sending before we could tell: whatever it sent is echoed.
            switchTo(ctx, false);
            ctx.pipeline().fireUserEventTriggered(evt);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void switchTo(ChannelHandlerContext ctx, boolean http) {
        if (decided || ctx.isRemoved()) return;
        decided = true;
        if (timer != null) timer.cancel(false);
        ChannelPipeline p = ctx.pipeline();
        if (http) {
            p.addLast(new HttpServerCodec(),
                    new HttpServerKeepAliveHandler(),
                    new HttpObjectAggregator(MAX_REQUEST_BYTES),
                    new WebSocketServerProtocolHandler("/ws"),
                    new WebSocketEchoHandler(),
                    new ChunkedWriteHandler(),
                    new HttpEchoHandler(name));
        } else {
            p.addLast(new RawEchoHandler());
        }
        p.remove(this); // hands the bytes read so far to the new handlers
    }
}
