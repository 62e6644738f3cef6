package io.kubeway.warmup;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Just enough HTTP/1.1 framing for the warm-up's own client and backend, which talk only to Kubeway over loopback:
 * a head read line by line, then a body by {@code Content-Length} or chunked. Blocking streams on plain threads,
 * not Netty, so that the warm-up's client and backend add no handler types to the type profiles of Netty's pipeline
 * code, which C2 compiles for the proxy's own handlers. Heads are capped at {@link #MAX_HEAD} bytes.
 */
final class Http1Wire {
    /** The largest head read; Kubeway's own heads are far smaller. */
    static final int MAX_HEAD = 16 * 1024;

    /** A head: the first line and what framing the headers gave. */
    record Head(String firstLine, long contentLength, boolean chunked, boolean close) {
        /** Whether a body follows (requests and responses alike; no HEAD or 1xx/204/304 here). */
        boolean hasBody() {
            return chunked || contentLength > 0;
        }
    }

    private Http1Wire() {
    }

    /** Reads a head, or returns null at a clean end of stream before its first byte. */
    static Head readHead(InputStream in) throws IOException {
        String first = readLine(in, true);
        if (first == null) return null;
        long length = 0;
        boolean chunked = false;
        boolean close = false;
        int total = first.length();
        for (String line = readLine(in, false); !line.isEmpty(); line = readLine(in, false)) {
            total += line.length();
            if (total > MAX_HEAD) throw new IOException("head over " + MAX_HEAD + " bytes");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IOException("bad header line: " + line);
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        return new Head(first, length, chunked, close);
    }

    /** Reads and drops the body {@code head} announces; returns its length. */
    static long skipBody(InputStream in, Head head) throws IOException {
        if (!head.chunked()) {
            skip(in, head.contentLength());
            return head.contentLength();
        }
        long total = 0;
        while (true) {
            String size = readLine(in, false);
            int semi = size.indexOf(';');
            long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailers: dropped
                }
                return total;
            }
            skip(in, n);
            total += n;
            if (!readLine(in, false).isEmpty()) throw new IOException("chunk not followed by CRLF");
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) throw new EOFException(left + " body bytes missing");
                s = 1;
            }
            left -= s;
        }
    }

    /** One line without its CRLF; null at end of stream before any byte when {@code eofOk}. */
    private static String readLine(InputStream in, boolean eofOk) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofOk && b.size() == 0) return null;
                throw new EOFException("connection closed mid-line");
            }
            if (c == '\n') break;
            if (b.size() >= MAX_HEAD) throw new IOException("line over " + MAX_HEAD + " bytes");
            b.write(c);
        }
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.US_ASCII);
    }
}
