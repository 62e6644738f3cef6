package io.kubeway.dataplane.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP backend that misbehaves on purpose: each accepted connection runs a {@link Script} on a virtual thread
 * (never answer, close early, truncate a body...). Counts connections.
 */
final class ScriptedBackend implements AutoCloseable {
    /** What to do with one connection. */
    @FunctionalInterface
    interface Script {
        void run(Socket socket, InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    ScriptedBackend(InetAddress ip, Script script) throws IOException {
        server = new ServerSocket(0, 50, ip);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            script.run(s, new BufferedInputStream(s.getInputStream()), s.getOutputStream());
                        } catch (IOException ignored) {
                            // the proxy went away; fine
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    int connections() {
        return connections.get();
    }

    /** Reads one request head (up to the blank line). */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) throw new IOException("closed");
            b.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads the body the request {@code head} announces (Content-Length, or chunked up to its last chunk, trailers
     * skipped), as a backend does before it answers; none when the head announces none.
     */
    static byte[] readBody(String head, InputStream in) throws IOException {
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        int cl = lower.indexOf("\r\ncontent-length:");
        if (cl >= 0) {
            int from = cl + "\r\ncontent-length:".length();
            return in.readNBytes(Integer.parseInt(head.substring(from, head.indexOf('\r', from)).strip()));
        }
        if (!lower.contains("\r\ntransfer-encoding: chunked")) return new byte[0];
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine(in);
            int ext = size.indexOf(';');
            int n = Integer.parseInt((ext < 0 ? size : size.substring(0, ext)).strip(), 16);
            if (n == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailer fields
                }
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(n));
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("closed");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
    }
}
