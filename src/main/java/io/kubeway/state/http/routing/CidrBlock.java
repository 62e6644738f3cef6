package io.kubeway.state.http.routing;

import io.kubeway.core.IpLiterals;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address block, for source-range and rate-limit exemption checks. Parsed from
 * {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address ({@code 192.168.1.7} is {@code /32}). Bits below
 * the prefix are ignored, as nginx's {@code allow} does: {@code 10.1.2.3/8} is {@code 10.0.0.0/8}.
 */
public final class CidrBlock {
    private final byte[] network;
    private final int prefix;

    private CidrBlock(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses a CIDR or an address; surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException with a message fit for users when {@code text} is neither
     */
    public static CidrBlock parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        InetAddress ip = IpLiterals.parse(slash < 0 ? s : s.substring(0, slash));
        if (ip == null) throw new IllegalArgumentException("invalid CIDR address: " + text);
        byte[] bytes = ip.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid CIDR address: " + text);
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) throw new IllegalArgumentException("invalid CIDR address: " + text);
        }
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] &= mask(prefix, i);
        }
        return new CidrBlock(bytes, prefix);
    }

    /** Whether {@code ip} is inside the block; an address of the other family never is. */
    public boolean contains(InetAddress ip) {
        byte[] a = ip.getAddress();
        if (a.length != network.length) return false;
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask(prefix, i)) != network[i]) return false;
        }
        return true;
    }

    private static byte mask(int prefix, int byteIndex) {
        int bits = prefix - byteIndex * 8;
        if (bits >= 8) return (byte) 0xff;
        if (bits <= 0) return 0;
        return (byte) (0xff << (8 - bits));
    }

    /** Canonical form: the network address and the prefix length, e.g. {@code 10.0.0.0/8}. */
    @Override
    public String toString() {
        try {
            return IpLiterals.format(InetAddress.getByAddress(network)) + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrBlock c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }
}
