package io.kubeway.dataplane.http;

import io.fabric8.kubernetes.client.utils.Serialization;
import tools.jackson.databind.JsonNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.x client over one raw socket: sends exactly the bytes given (malformed requests, Host headers,
 * pipelining) and parses responses (Content-Length, chunked with trailers, or until close).
 */
final class RawHttp implements AutoCloseable {
    /** One parsed response; header names lower-case. */
    record Response(int status, Map<String, List<String>> headers, byte[] body, Map<String, String> trailers) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return Serialization.jsonMapper().readTree(body);
        }

        /** The request headers the echo backend saw (its JSON), lower-case names. */
        Map<String, String> echoedHeaders() {
            Map<String, String> m = new LinkedHashMap<>();
            json().get("headers").properties().forEach(e -> m.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asString()));
            return m;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(InetSocketAddress target) throws IOException {
        this(target, null);
    }

    RawHttp(InetSocketAddress target, InetSocketAddress source) throws IOException {
        this(connect(target, source));
    }

    /** Over an already connected socket (e.g. a TLS socket). */
    RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private static Socket connect(InetSocketAddress target, InetSocketAddress source) throws IOException {
        Socket s = new Socket();
        if (source != null) s.bind(source);
        s.connect(target, 5_000);
        return s;
    }

    static Response once(InetSocketAddress target, String request) throws IOException {
        try (RawHttp c = new RawHttp(target)) {
            return c.send(request);
        }
    }

    static String get(String path, String host, String... extraHeaders) {
        StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (String h : extraHeaders) sb.append(h).append("\r\n");
        return sb.append("\r\n").toString();
    }

    Response send(String request) throws IOException {
        write(request);
        return read(request.startsWith("HEAD "));
    }

    void write(String raw) throws IOException {
        write(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads a status line and its headers (an interim response such as 100 Continue); returns the status line. */
    String readStatusLine() throws IOException {
        String status = line();
        headers();
        return status;
    }

    Response read() throws IOException {
        return read(false);
    }

    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) throw new IOException("connection closed before a response");
        String[] parts = statusLine.split(" ", 3);
        int status = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = headers();
        if (status >= 100 && status < 200 && status != 101) return read(head); // skip interim responses
        Map<String, String> trailers = new LinkedHashMap<>();
        byte[] body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (head || status == 204 || status == 304 || status == 101) {
            body = new byte[0];
        } else if (te != null && te.getLast().equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                if (size == null) throw new IOException("connection closed inside a chunked body");
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) break;
                b.write(in.readNBytes(n));
                line();
            }
            headers().forEach((k, v) -> trailers.put(k, String.join(", ", v)));
            body = b.toByteArray();
        } else if (cl != null) {
            int n = Integer.parseInt(cl.getFirst().trim());
            body = in.readNBytes(n);
            if (body.length < n) throw new IOException("connection closed after " + body.length + " of " + n + " bytes");
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body, trailers);
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        return headers;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the peer closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
