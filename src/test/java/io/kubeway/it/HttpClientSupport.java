package io.kubeway.it;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny HTTP/1.1 client over plain or TLS sockets, so tests control the Host header and SNI exactly and
 * can see the certificate the server chose.
 */
final class HttpClientSupport {
    private static final Pattern BACKEND = Pattern.compile("\"backend\"\\s*:\\s*\"([^\"]+)\"");

    record Response(int status, String head, String body, String certificateSubject) {
        String backend() {
            Matcher m = BACKEND.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    private HttpClientSupport() {
    }

    /** Sends {@code request} (bytes as written) on a new connection and reads to EOF; returns "status|body". */
    static String statusAndBody(String ip, int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(io.kubeway.core.IpLiterals.of(ip), port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = response.indexOf("\r\n\r\n");
            return response.substring(9, 12) + "|" + response.substring(end + 4).strip();
        }
    }

    /** A JDK HTTP server on {@code ip}, a free port, serving every path with {@code handler}; started. */
    static com.sun.net.httpserver.HttpServer httpServer(String ip, com.sun.net.httpserver.HttpHandler handler)
            throws IOException {
        var s = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress(io.kubeway.core.IpLiterals.of(ip), 0), 16);
        s.createContext("/", handler);
        s.start();
        return s;
    }

    static Response get(String ip, int port, String host, String path) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(IpLiteralsSupport.of(ip), port), 2000);
            s.setSoTimeout(5000);
            return exchange(s, host, path, null);
        }
    }

    static Response getTls(String ip, int port, String sni, String host, String path) throws IOException {
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(IpLiteralsSupport.of(ip), port), 2000);
            s.setSoTimeout(5000);
            SSLParameters params = s.getSSLParameters();
            if (sni != null) {
                params.setServerNames(List.of(new SNIHostName(sni)));
            }
            params.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(params);
            s.startHandshake();
            X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
            return exchange(s, host, path, cert.getSubjectX500Principal().getName());
        }
    }

    /** One request on an open connection (kept alive). */
    static Response exchange(Socket s, String host, String path, String subject) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        Matcher len = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        String body = len.find() ? new String(in.readNBytes(Integer.parseInt(len.group(1))), StandardCharsets.UTF_8) : "";
        int status = Integer.parseInt(head.substring(9, 12));
        return new Response(status, head.toString(), body, subject);
    }

    static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Literal IPs without DNS. */
    static final class IpLiteralsSupport {
        static java.net.InetAddress of(String ip) {
            return io.kubeway.core.IpLiterals.of(ip);
        }
    }
}
