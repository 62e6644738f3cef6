package io.kubeway.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * {@code n} bytes of {@code abc...zabc...}: byte {@code i} is {@code 'a' + i % 26}, so a client can check
 * what it got. Served in 64 KiB slices of one shared read-only buffer: nothing is copied or held per
 * response, and ChunkedWriteHandler only asks for the next slice when the channel is writable.
 */
final class PatternBytes implements ChunkedInput<ByteBuf> {
    static final int CHUNK = 64 * 1024;
    private static final ByteBuf PATTERN;

    static {
        ByteBuf b = Unpooled.directBuffer(CHUNK + 26);
        for (int i = 0; i < CHUNK + 26; i++) b.writeByte(at(i));
        PATTERN = Unpooled.unreleasableBuffer(b.asReadOnly());
    }

    private final long length;
    private long produced;

    PatternBytes(long length) {
        if (length < 0) throw new IllegalArgumentException("length " + length);
        this.length = length;
    }

    /** The byte at position {@code i} of the pattern. */
    static byte at(long i) {
        return (byte) ('a' + i % 26);
    }

    @Override
    public boolean isEndOfInput() {
        return produced >= length;
    }

    @Override
    public void close() {
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) return null;
        int n = (int) Math.min(CHUNK, length - produced);
        ByteBuf slice = PATTERN.slice((int) (produced % 26), n);
        produced += n;
        return slice;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return produced;
    }
}
