package io.kubeway.warmup;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One thread of the warm-up's load: rounds of the requests real traffic sends, through Kubeway's synthetic Ingress
 * listener and its synthetic L4 listener, each answered by {@link WarmUpBackend}. A round: keep-alive GETs (as wrk
 * sends them and as a browser does), a small POST with {@code Content-Length} and a chunked one, a chunked response,
 * GETs on a new connection each, now and then a 1 MiB response; then keep-alive and new-connection GETs through
 * the L4 listener. Every answer is read in full and must be a 200. Blocking sockets with timeouts: a request that
 * hangs fails after {@link #TIMEOUT_MILLIS}.
 */
final class WarmUpClient {
    static final int TIMEOUT_MILLIS = 5000;
    /** Keep-alive GETs per round and connection kind; the rest of a round is a few of each other kind. */
    static final int KEEP_ALIVE_PER_ROUND = 24;
    /** GETs on a new connection each per round and listener: enough for C2 to compile the accept and set-up path. */
    static final int NEW_CONNECTIONS_PER_ROUND = 6;
    /** One round in this many also fetches 1 MiB. */
    static final int BIG_EVERY = 8;

    private static final String BODY = "x".repeat(512);

    private final InetSocketAddress http;
    private final InetSocketAddress l4;
    private final AtomicLong sent;
    private final byte[] wrkGet;
    private final byte[] browserGet;
    private final byte[] closeGet;
    private final byte[] chunkedGet;
    private final byte[] bigGet;
    private final byte[] post;
    private final byte[] chunkedPost;
    private Conn httpConn;
    private Conn l4Conn;
    private long round;

    /** @param http the Ingress listener, or null to send through the L4 listener only; @param sent counts answers */
    WarmUpClient(InetSocketAddress http, InetSocketAddress l4, AtomicLong sent) {
        this.http = http;
        this.l4 = l4;
        this.sent = sent;
        InetSocketAddress named = http != null ? http : l4;
        String host = "Host: " + named.getAddress().getHostAddress() + ":" + named.getPort() + "\r\n";
        wrkGet = ascii("GET /ok HTTP/1.1\r\n" + host + "\r\n");
        browserGet = ascii("GET /app/items?page=2&sort=name HTTP/1.1\r\nHost: " + WarmUp.HOST + "\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
                + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                + "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
                + "Connection: keep-alive\r\nCookie: session=8f2a61c0d4e94b7c9e1f; theme=dark\r\n\r\n");
        closeGet = ascii("GET /ok HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n");
        chunkedGet = ascii("GET " + WarmUpBackend.CHUNKED_PATH + " HTTP/1.1\r\n" + host + "\r\n");
        bigGet = ascii("GET " + WarmUpBackend.BIG_PATH + " HTTP/1.1\r\n" + host + "\r\n");
        post = ascii("POST /api/items HTTP/1.1\r\nHost: " + WarmUp.HOST + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY);
        chunkedPost = ascii("POST /api/upload HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n"
                + "100\r\n" + BODY.substring(0, 256) + "\r\n100\r\n" + BODY.substring(256) + "\r\n0\r\n\r\n");
    }

    /** Runs rounds until {@code stop} says so; a failed request ends the run with its exception. */
    void run(BooleanSupplier stop) throws IOException {
        try {
            while (!stop.getAsBoolean()) {
                round();
            }
        } finally {
            if (httpConn != null) httpConn.close();
            if (l4Conn != null) l4Conn.close();
        }
    }

    private void round() throws IOException {
        round++;
        if (http != null) httpRound();
        for (int i = 0; i < KEEP_ALIVE_PER_ROUND; i++) {
            l4Conn = exchange(l4Conn, l4, wrkGet);
        }
        for (int i = 0; i < NEW_CONNECTIONS_PER_ROUND; i++) {
            exchange(null, l4, closeGet);
        }
    }

    private void httpRound() throws IOException {
        for (int i = 0; i < KEEP_ALIVE_PER_ROUND; i++) {
            httpConn = exchange(httpConn, http, (i & 3) == 3 ? browserGet : wrkGet);
        }
        httpConn = exchange(httpConn, http, post);
        httpConn = exchange(httpConn, http, chunkedPost);
        httpConn = exchange(httpConn, http, chunkedGet);
        if (round % BIG_EVERY == 0) httpConn = exchange(httpConn, http, bigGet);
        for (int i = 0; i < NEW_CONNECTIONS_PER_ROUND; i++) {
            exchange(null, http, closeGet);
        }
    }

    /** A client connection with its buffered input (answers are read line by line). */
    private record Conn(Socket socket, InputStream in, OutputStream out) implements AutoCloseable {
        static Conn open(InetSocketAddress to) throws IOException {
            Socket s = new Socket();
            try {
                s.setSoTimeout(TIMEOUT_MILLIS);
                s.setTcpNoDelay(true);
                s.connect(to, TIMEOUT_MILLIS);
                return new Conn(s, new BufferedInputStream(s.getInputStream(), 16 * 1024), s.getOutputStream());
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    /**
     * Sends {@code request} on {@code conn} (a new connection to {@code to} when null) and reads the whole answer.
     *
     * @return the connection, still open for the next request, or null when the answer closed it
     */
    private static Conn exchange(Conn conn, InetSocketAddress to, byte[] request, AtomicLong sent) throws IOException {
        Conn c = conn != null ? conn : Conn.open(to);
        try {
            c.out().write(request);
            c.out().flush();
            InputStream in = c.in();
            Http1Wire.Head head = Http1Wire.readHead(in);
            if (head == null) throw new IOException("connection to " + to + " closed before an answer");
            if (!head.firstLine().startsWith("HTTP/1.1 200 ")) {
                throw new IOException("unexpected answer from " + to + ": " + head.firstLine());
            }
            Http1Wire.skipBody(in, head);
            sent.incrementAndGet();
            if (head.close()) {
                c.close();
                return null;
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Conn exchange(Conn conn, InetSocketAddress to, byte[] request) throws IOException {
        return exchange(conn, to, request, sent);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
