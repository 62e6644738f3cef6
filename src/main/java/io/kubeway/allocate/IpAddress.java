package io.kubeway.allocate;

import io.kubeway.core.IpLiterals;
import org.jspecify.annotations.Nullable;

import java.math.BigInteger;

import static java.util.Objects.requireNonNull;

/**
 * An IPv4 or IPv6 address as an unsigned integer, so that ranges and offsets are plain arithmetic.
 * Parsing is strict and never resolves host names: IPv4 is four decimal octets without leading zeros
 * (as Go's {@code net.ParseIP}, which Kubernetes and MetalLB use), IPv6 is RFC 4291 text without a
 * zone. {@link #toString()} prints the canonical form (RFC 5952 for IPv6).
 */
public record IpAddress(BigInteger value, boolean ipv6) implements Comparable<IpAddress> {
    static final BigInteger MAX_V4 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    static final BigInteger MAX_V6 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    public IpAddress {
        requireNonNull(value, "value");
        if (value.signum() < 0 || value.compareTo(ipv6 ? MAX_V6 : MAX_V4) > 0) {
            throw new IllegalArgumentException("address value out of range: " + value);
        }
    }

    /** Parses an address literal; throws {@link IllegalArgumentException} naming the text when it is not one. */
    public static IpAddress parse(String text) {
        IpAddress a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("invalid IP address \"" + text + "\"");
        }
        return a;
    }

    /** Parses an address literal, or returns null when the text is not one. */
    public static @Nullable IpAddress tryParse(@Nullable String text) {
        if (text == null || text.isEmpty()) return null;
        if (text.indexOf(':') >= 0) {
            BigInteger v = parseV6(text);
            return v == null ? null : new IpAddress(v, true);
        }
        Long v = parseV4(text);
        return v == null ? null : new IpAddress(BigInteger.valueOf(v), false);
    }

    /** 32 or 128. */
    public int bits() {
        return ipv6 ? 128 : 32;
    }

    /** This address plus {@code n}; throws when the result leaves the family's address space. */
    public IpAddress plus(BigInteger n) {
        return new IpAddress(value.add(n), ipv6);
    }

    /**
     * True for IPv4 addresses ending in .0 or .255, which MetalLB's {@code avoidBuggyIPs} skips because
     * some consumer routers' smurf protection drops traffic to them.
     */
    public boolean confusesBuggyFirmware() {
        if (ipv6) return false;
        int last = value.intValue() & 0xff;
        return last == 0 || last == 255;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (ipv6 != o.ipv6) return ipv6 ? 1 : -1;
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return ipv6 ? formatV6(value) : formatV4(value.longValue());
    }

    private static @Nullable Long parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        long v = 0;
        for (String p : parts) {
            Integer octet = parseOctet(p);
            if (octet == null) return null;
            v = (v << 8) | octet;
        }
        return v;
    }

    private static @Nullable Integer parseOctet(String p) {
        if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) return null;
        int n = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') return null;
            n = n * 10 + (c - '0');
        }
        return n > 255 ? null : n;
    }

    private static @Nullable BigInteger parseV6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) return null;
        int[] head;
        int[] tail;
        if (gap >= 0) {
            head = groups(s.substring(0, gap), false);
            tail = groups(s.substring(gap + 2), true);
            // "::" stands for at least one zero group
            if (head == null || tail == null || head.length + tail.length > 7) return null;
        } else {
            head = groups(s, true);
            tail = new int[0];
            if (head == null || head.length != 8) return null;
        }
        BigInteger v = BigInteger.ZERO;
        int zeros = 8 - head.length - tail.length;
        for (int g : head) v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        v = v.shiftLeft(16 * zeros);
        for (int g : tail) v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        return v;
    }

    /** The 16-bit groups of one side of "::"; an embedded IPv4 address may end the last side. */
    private static int @Nullable [] groups(String part, boolean mayEndWithV4) {
        if (part.isEmpty()) return new int[0];
        String[] texts = part.split(":", -1);
        int n = texts.length;
        String lastText = texts[n - 1];
        boolean v4 = lastText.indexOf('.') >= 0;
        if (v4 && !mayEndWithV4) return null;
        int[] out = new int[v4 ? n + 1 : n];
        for (int i = 0; i < (v4 ? n - 1 : n); i++) {
            String t = texts[i];
            if (t.isEmpty() || t.length() > 4) return null;
            int g = 0;
            for (int k = 0; k < t.length(); k++) {
                int d = Character.digit(t.charAt(k), 16);
                if (d < 0) return null;
                g = g * 16 + d;
            }
            out[i] = g;
        }
        if (v4) {
            Long a = parseV4(lastText);
            if (a == null) return null;
            out[n - 1] = (int) (a >>> 16);
            out[n] = (int) (a & 0xffff);
        }
        return out;
    }

    private static String formatV4(long v) {
        return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
    }

    private static String formatV6(BigInteger v) {
        byte[] b = new byte[16];
        for (int i = 15; i >= 0; i--) {
            b[i] = (byte) v.intValue();
            v = v.shiftRight(8);
        }
        return IpLiterals.formatIPv6(b);
    }
}
