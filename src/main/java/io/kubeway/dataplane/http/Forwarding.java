package io.kubeway.dataplane.http;

import io.kubeway.core.IpLiterals;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pure header rules of a reverse proxy: who the client is (X-Forwarded-For from trusted proxies only),
 * which headers are hop-by-hop (RFC 9110 section 7.6.1), and the X-Forwarded-* set the backend gets.
 */
final class Forwarding {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString PROXY = AsciiString.cached("proxy");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final AsciiString CLOSE = AsciiString.cached("close");

    private Forwarding() {
    }

    /**
     * The client's address. From an untrusted peer that is the peer. From a trusted proxy it is the right-most
     * X-Forwarded-For entry that is not itself a trusted proxy (nginx's {@code real_ip_recursive on}); if every
     * entry is trusted, the left-most; an entry that is not an IP literal ends the walk at the last good one.
     *
     * @param xff the X-Forwarded-For header values in order (may be empty)
     */
    static InetAddress clientIp(InetAddress peer, List<String> xff, CidrSet trusted) {
        if (xff.isEmpty() || !trusted.contains(peer)) return peer;
        List<String> entries = new ArrayList<>();
        for (String v : xff) for (String e : v.split(",")) entries.add(e.trim());
        InetAddress candidate = peer;
        for (int i = entries.size() - 1; i >= 0; i--) {
            InetAddress a = IpLiterals.parse(stripPort(entries.get(i)));
            if (a == null) return candidate;
            candidate = a;
            if (!trusted.contains(a)) return a;
        }
        return candidate;
    }

    /** {@code 1.2.3.4:80} → {@code 1.2.3.4}; {@code [::1]:80} and {@code [::1]} → {@code ::1}; else unchanged. */
    static String stripPort(String s) {
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            return end > 0 ? s.substring(1, end) : s;
        }
        int colon = s.indexOf(':');
        return colon > 0 && s.indexOf(':', colon + 1) < 0 ? s.substring(0, colon) : s;
    }

    /**
     * Removes hop-by-hop headers of a message about to be forwarded: {@code Connection} and every header it
     * names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code Proxy} (httpoxy) and other {@code Proxy-*},
     * {@code Trailer}, {@code TE} unless it is {@code trailers}, {@code Upgrade} unless {@code keepUpgrade}, and
     * Netty's {@code x-http2-*} conversion headers. Framing headers (Content-Length, Transfer-Encoding) and Host
     * are never removed because {@code Connection} names them: dropping a length while the body still flows
     * would let a client smuggle a second request to the backend.
     */
    static void stripHopByHop(HttpHeaders h, boolean keepUpgrade) {
        if (h.contains(HttpHeaderNames.CONNECTION)) { // getAll allocates a list even for an absent header
            List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
            h.remove(HttpHeaderNames.CONNECTION);
            for (String v : connection) removeNamedBy(h, v, keepUpgrade);
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.TRAILER);
        if (!keepUpgrade) h.remove(HttpHeaderNames.UPGRADE);
        String te = h.get(HttpHeaderNames.TE);
        if (te != null) {
            h.remove(HttpHeaderNames.TE);
            if (hasToken(te, "trailers")) h.set(HttpHeaderNames.TE, TRAILERS);
        }
        List<String> drop = null;
        for (var it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (AsciiString.regionMatches(name, true, 0, PROXY, 0, 5)
                    && (name.length() == 5 || name.charAt(5) == '-')
                    || AsciiString.regionMatches(name, true, 0, "x-http2-", 0, 8)) {
                if (drop == null) drop = new ArrayList<>(2);
                drop.add(name.toString());
            }
        }
        if (drop != null) drop.forEach(h::remove);
    }

    /**
     * Removes the headers a {@code Connection} value names. The usual tokens ({@code keep-alive}, {@code close},
     * {@code upgrade}) are matched in place, without splitting the value into strings: {@code Keep-Alive} and
     * {@code Upgrade} go anyway (unless kept), {@code close} names a header that is removed as any other.
     */
    private static void removeNamedBy(HttpHeaders h, String v, boolean keepUpgrade) {
        for (int i = 0, n = v.length(); i < n; ) {
            int comma = v.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int s = i;
            int e = end;
            i = end + 1;
            while (s < e && v.charAt(s) <= ' ') s++; // as String.trim
            while (e > s && v.charAt(e - 1) <= ' ') e--;
            if (s == e || is(v, s, e, "keep-alive") || is(v, s, e, "upgrade")) continue;
            if (is(v, s, e, "close")) {
                h.remove(CLOSE);
                continue;
            }
            String name = v.substring(s, e).toLowerCase(Locale.ROOT);
            if (!isFraming(name)) h.remove(name);
        }
    }

    private static boolean is(String v, int start, int end, String token) {
        return end - start == token.length() && v.regionMatches(true, start, token, 0, token.length());
    }

    private static boolean isFraming(String name) {
        return name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host");
    }

    /** Whether a comma-separated header value contains {@code token} (case-insensitive). */
    static boolean hasToken(String value, String token) {
        if (value == null) return false;
        for (String t : value.split(",")) {
            String s = t.trim();
            int semi = s.indexOf(';');
            if ((semi < 0 ? s : s.substring(0, semi).trim()).equalsIgnoreCase(token)) return true;
        }
        return false;
    }

    /**
     * Sets X-Forwarded-For (appended to a trusted proxy's list, else just the peer), X-Forwarded-Proto, -Host and
     * -Port (a trusted proxy's values kept, else ours), X-Real-IP (the client) and X-Request-ID (kept, else
     * {@code requestId}).
     *
     * @param originalHost the Host header as the client sent it (with its port), or null
     */
    static void addForwarded(HttpHeaders h, InetAddress peer, boolean peerTrusted, InetAddress client, boolean tls,
                             String originalHost, int listenerPort, String requestId) {
        addForwarded(h, peer, peerTrusted, client, tls, originalHost, listenerPort, requestId, true);
    }

    /** As below, with the peer's address and the listener's port made text here. */
    static void addForwarded(HttpHeaders h, InetAddress peer, boolean peerTrusted, InetAddress client, boolean tls,
                             String originalHost, int listenerPort, String requestId, boolean fullChain) {
        addForwarded(h, peer, IpLiterals.format(peer), peerTrusted, client, tls, originalHost,
                Integer.toString(listenerPort), requestId, fullChain);
    }

    /**
     * With the peer's address and the listener's port as text (a connection keeps them for its requests). Without
     * {@code fullChain} (ingress-nginx's {@code compute-full-forwarded-for: false}) X-Forwarded-For is the client
     * alone ({@code $remote_addr}: the first untrusted address of a trusted proxy's list, else the peer).
     */
    static void addForwarded(HttpHeaders h, InetAddress peer, String peerText, boolean peerTrusted, InetAddress client,
                             boolean tls, String originalHost, String listenerPort, String requestId,
                             boolean fullChain) {
        if (peerTrusted && fullChain && h.contains(X_FORWARDED_FOR)) {
            h.set(X_FORWARDED_FOR, String.join(", ", h.getAll(X_FORWARDED_FOR)) + ", " + peerText);
        } else if (peerTrusted && !fullChain) {
            h.set(X_FORWARDED_FOR, client == peer ? peerText : IpLiterals.format(client));
        } else {
            h.set(X_FORWARDED_FOR, peerText);
        }
        if (!peerTrusted || !h.contains(X_FORWARDED_PROTO)) h.set(X_FORWARDED_PROTO, tls ? "https" : "http");
        if (!peerTrusted || !h.contains(X_FORWARDED_HOST)) {
            if (originalHost != null) h.set(X_FORWARDED_HOST, originalHost);
            else h.remove(X_FORWARDED_HOST);
        }
        if (!peerTrusted || !h.contains(X_FORWARDED_PORT)) h.set(X_FORWARDED_PORT, listenerPort);
        h.set(X_REAL_IP, client == peer ? peerText : IpLiterals.format(client));
        h.set(X_REQUEST_ID, requestId);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** 32 hex digits, like nginx's {@code $request_id}: one string per request, nothing else allocated. */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] digits = new byte[32];
        for (int half = 0; half < 2; half++) {
            long v = r.nextLong();
            for (int i = 15; i >= 0; i--, v >>>= 4) digits[half * 16 + i] = HEX[(int) (v & 0xf)];
        }
        return new String(digits, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
