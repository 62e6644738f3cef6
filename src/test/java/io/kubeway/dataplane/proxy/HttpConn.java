package io.kubeway.dataplane.proxy;

import io.fabric8.kubernetes.client.utils.Serialization;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal keep-alive HTTP/1.1 client over one socket, to ask an echo backend (through the proxy) who it
 * is, as often as needed on the same TCP connection.
 */
public final class HttpConn implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public HttpConn(InetSocketAddress target) throws IOException {
        this(target, null);
    }

    /** Connects from {@code source} (an address only, port 0) when not null. */
    public HttpConn(InetSocketAddress target, InetSocketAddress source) throws IOException {
        socket = new Socket();
        socket.setSoTimeout(10_000);
        if (source != null) socket.bind(source);
        socket.connect(target, 5_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One GET on this connection; the JSON answer. */
    public JsonNode get(String path) throws IOException {
        out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        int length = -1;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        if (!head.startsWith("HTTP/1.1 200")) throw new IOException("unexpected answer: " + head);
        return Serialization.jsonMapper().readTree(in.readNBytes(length));
    }

    /** The backend name in the answer to one more request. */
    public String backend() throws IOException {
        return get("/").get("backend").asString();
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed after " + b.size() + " bytes of headers");
            b.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Asks once on a fresh connection. */
    public static String backendOf(InetSocketAddress target) throws IOException {
        try (HttpConn c = new HttpConn(target)) {
            return c.backend();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
