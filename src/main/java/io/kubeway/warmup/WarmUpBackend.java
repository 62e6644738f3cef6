package io.kubeway.warmup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up's synthetic backend: an HTTP/1.1 server on 127.0.0.1, an ephemeral port, one plain thread per
 * connection (blocking sockets, see {@link Http1Wire} for why not Netty). It answers as a static nginx would: a
 * small body with {@code Content-Length} ({@code /ok}, the default), 1 MiB ({@link #BIG_PATH}) or a chunked body
 * ({@link #CHUNKED_PATH}); it reads and drops request bodies. At most {@link #MAX_CONNECTIONS} connections are
 * served at once, more are closed at accept.
 */
final class WarmUpBackend implements AutoCloseable {
    static final String BIG_PATH = "/1m";
    static final String CHUNKED_PATH = "/chunked";
    static final int BIG_BYTES = 1 << 20;
    /** Connections served at once; the warm-up's own client opens a few dozen at most. */
    static final int MAX_CONNECTIONS = 256;

    private static final Logger log = LoggerFactory.getLogger(WarmUpBackend.class);
    private static final String HEADERS = "Server: nginx\r\nDate: Sun, 06 Dec 2026 00:00:00 GMT\r\n"
            + "Content-Type: text/plain\r\nLast-Modified: Sun, 06 Dec 2026 00:00:00 GMT\r\nETag: \"6932f1a0-3\"\r\n";
    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\n" + HEADERS + "Content-Length: 3\r\n"
            + "Connection: keep-alive\r\nAccept-Ranges: bytes\r\n\r\nok\n");
    private static final byte[] OK_CLOSE = ascii("HTTP/1.1 200 OK\r\n" + HEADERS + "Content-Length: 3\r\n"
            + "Connection: close\r\n\r\nok\n");
    private static final byte[] BIG_HEAD = ascii("HTTP/1.1 200 OK\r\n" + HEADERS + "Content-Length: " + BIG_BYTES
            + "\r\nConnection: keep-alive\r\n\r\n");
    private static final byte[] CHUNKED = ascii("HTTP/1.1 200 OK\r\n" + HEADERS + "Transfer-Encoding: chunked\r\n"
            + "Connection: keep-alive\r\n\r\n10\r\n0123456789abcdef\r\n400\r\n" + "x".repeat(1024) + "\r\n0\r\n\r\n");
    private static final byte[] BIG_BODY = new byte[BIG_BYTES];

    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicLong requests = new AtomicLong();
    private volatile boolean closed;

    private WarmUpBackend(ServerSocket server) {
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("kubeway-warm-up-backend").unstarted(this::accept);
    }

    /** Listens on 127.0.0.1, a port the kernel picks, and starts accepting. */
    static WarmUpBackend start() throws IOException {
        ServerSocket s = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        WarmUpBackend b = new WarmUpBackend(s);
        b.acceptor.start();
        return b;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Requests answered so far. */
    long requests() {
        return requests.get();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) log.debug("warm-up backend: accept failed: {}", e.toString());
                return;
            }
            if (open.size() >= MAX_CONNECTIONS) {
                closeQuietly(s);
                continue;
            }
            open.add(s);
            if (closed) {
                closeQuietly(s);
                continue;
            }
            Thread.ofPlatform().daemon().name("kubeway-warm-up-backend-" + threads.incrementAndGet())
                    .start(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            while (!closed) {
                Http1Wire.Head head = Http1Wire.readHead(in);
                if (head == null) return;
                if (head.hasBody()) Http1Wire.skipBody(in, head);
                String target = target(head.firstLine());
                requests.incrementAndGet();
                if (head.close()) {
                    out.write(OK_CLOSE);
                    out.flush();
                    return;
                }
                if (target.equals(BIG_PATH)) {
                    out.write(BIG_HEAD);
                    out.write(BIG_BODY);
                } else if (target.equals(CHUNKED_PATH)) {
                    out.write(CHUNKED);
                } else {
                    out.write(OK);
                }
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) log.debug("warm-up backend: connection ended: {}", e.toString());
        } finally {
            open.remove(s);
        }
    }

    private static String target(String requestLine) {
        int a = requestLine.indexOf(' ');
        int b = requestLine.indexOf(' ', a + 1);
        return a < 0 || b < 0 ? "" : requestLine.substring(a + 1, b);
    }

    /** Stops accepting and closes every connection; their threads end with them. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(WarmUpBackend::closeQuietly);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing: nothing to do
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
