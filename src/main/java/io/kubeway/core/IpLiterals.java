package io.kubeway.core;

import org.jspecify.annotations.Nullable;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals parsed and printed the way Kubernetes does ({@code netutils.ParseIPSloppy} and Go's
 * {@code net.IP.String()}), without ever touching DNS.
 *
 * <p>Parsing is "sloppy" like Kubernetes' legacy fields: IPv4 octets may carry leading zeros, read as decimal
 * ({@code 010.0.0.1} is {@code 10.0.0.1}). IPv6 zones ({@code %eth0}) and brackets are rejected. An
 * IPv4-mapped IPv6 literal ({@code ::ffff:1.2.3.4}) is an IPv4 address, as in Go.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /** The address, or null if {@code s} is not an IP literal. Never resolves names. */
    public static @Nullable InetAddress parse(@Nullable String s) {
        if (s == null || s.isEmpty()) return null;
        if (s.indexOf(':') < 0) return parseV4(s);
        // Only hex digits, colons and dots: the JDK then treats the text as a literal and fails without a
        // lookup if it is not one (a ':' in the text makes it "an invalid IPv6 address", never a host name).
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }

    private static @Nullable InetAddress parseV4(String s) {
        byte[] b = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) return null;
                b[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) return null;
            } else {
                return null;
            }
        }
        if (part != 4) return null;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 bytes is always a valid length
        }
    }

    /** The address of a literal the caller expects to be valid; throws IllegalArgumentException otherwise. */
    public static InetAddress of(String s) {
        InetAddress a = parse(s);
        if (a == null) {
            throw new IllegalArgumentException("\"" + s + "\" is not an IP address");
        }
        return a;
    }

    public static boolean isIPv6(InetAddress a) {
        return a instanceof Inet6Address;
    }

    /**
     * The canonical text: dotted quad for IPv4; for IPv6 RFC 5952 (lowercase, no leading zeros, the longest
     * run of two or more zero groups as {@code ::}), which is what Go prints and Kubernetes stores.
     */
    public static String format(InetAddress a) {
        if (a instanceof Inet4Address) return a.getHostAddress();
        return formatIPv6(a.getAddress());
    }

    /**
     * The RFC 5952 text of a 16-byte IPv6 address, as {@link #format} prints it; the bytes are always printed
     * as IPv6, even for the IPv4-mapped range.
     */
    public static String formatIPv6(byte[] b) {
        if (b.length != 16) throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + b.length);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1; // a single zero group is never compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** Orders addresses numerically, IPv4 before IPv6. */
    public static int compare(InetAddress x, InetAddress y) {
        byte[] a = x.getAddress();
        byte[] b = y.getAddress();
        if (a.length != b.length) return Integer.compare(a.length, b.length);
        return java.util.Arrays.compareUnsigned(a, b);
    }
}
