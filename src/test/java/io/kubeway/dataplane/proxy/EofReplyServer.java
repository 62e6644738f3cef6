package io.kubeway.dataplane.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A backend that reads a connection to its end (the client's FIN) and only then answers
 * {@code got N} with the byte count and closes: it works only if a half-close passes through intact.
 */
final class EofReplyServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;
    private final boolean slow;

    EofReplyServer(InetAddress ip) throws IOException {
        this(ip, false);
    }

    /**
     * @param slow read in small bites with pauses, so the proxy's buffer towards this backend fills and
     *             drains repeatedly, also after the client's FIN
     */
    EofReplyServer(InetAddress ip, boolean slow) throws IOException {
        this.slow = slow;
        server = new ServerSocket(0, 50, ip);
        thread = Thread.ofVirtual().start(this::serve);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> answer(s, slow));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket s, boolean slow) {
        try (s) {
            InputStream in = s.getInputStream();
            long n = 0;
            byte[] buf = new byte[slow ? 16 * 1024 : 8192];
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
                if (slow) Thread.sleep(1);
            }
            s.getOutputStream().write(("got " + n).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | InterruptedException ignored) {
            // the test sees the failure on its side
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
    }
}
