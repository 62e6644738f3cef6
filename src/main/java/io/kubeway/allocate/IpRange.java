package io.kubeway.allocate;

import java.math.BigInteger;

import static java.util.Objects.requireNonNull;

/**
 * An inclusive range of addresses of one family, written as a CIDR ({@code 192.168.10.0/24}) or as
 * MetalLB's {@code first-last} range ({@code 192.168.10.10-192.168.10.20}). A CIDR keeps its network
 * and broadcast addresses, as MetalLB's pools do; callers that must exclude them (the Service CIDR)
 * do so themselves.
 */
public record IpRange(IpAddress first, IpAddress last) {
    public IpRange {
        requireNonNull(first, "first");
        requireNonNull(last, "last");
        if (first.ipv6() != last.ipv6()) {
            throw new IllegalArgumentException("range ends are of different IP families: " + first + "-" + last);
        }
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("range start " + first + " is after its end " + last);
        }
    }

    /**
     * Parses a CIDR or a {@code first-last} range, with MetalLB's error wording
     * ({@code invalid CIDR "x"}, {@code invalid IP range "x": invalid start IP "y"}).
     * As Go's {@code net.ParseCIDR}, a CIDR with host bits set means its whole network.
     */
    public static IpRange parse(String text) {
        requireNonNull(text, "text");
        if (text.indexOf('-') < 0) {
            return parseCidr(text);
        }
        int dash = text.indexOf('-');
        String startText = text.substring(0, dash);
        String endText = text.substring(dash + 1);
        IpAddress start = IpAddress.tryParse(startText.strip());
        if (start == null) {
            throw new IllegalArgumentException(
                    "invalid IP range \"" + text + "\": invalid start IP \"" + startText + "\"");
        }
        IpAddress end = IpAddress.tryParse(endText.strip());
        if (end == null) {
            throw new IllegalArgumentException(
                    "invalid IP range \"" + text + "\": invalid end IP \"" + endText + "\"");
        }
        if (start.ipv6() != end.ipv6()) {
            throw new IllegalArgumentException(
                    "invalid IP range \"" + text + "\": start and end IPs are of different IP families");
        }
        if (start.compareTo(end) > 0) {
            throw new IllegalArgumentException("invalid IP range \"" + text + "\": start IP \"" + start
                    + "\" is after the end IP \"" + end + "\"");
        }
        return new IpRange(start, end);
    }

    /** Parses {@code address/prefixLength}; throws {@code invalid CIDR "x"} otherwise. */
    public static IpRange parseCidr(String text) {
        requireNonNull(text, "text");
        int slash = text.indexOf('/');
        IpAddress address = slash < 0 ? null : IpAddress.tryParse(text.substring(0, slash));
        int prefix = address == null ? -1 : prefixLength(text.substring(slash + 1), address.bits());
        if (address == null || prefix < 0) {
            throw new IllegalArgumentException("invalid CIDR \"" + text + "\"");
        }
        int hostBits = address.bits() - prefix;
        BigInteger hostMask = BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE);
        BigInteger network = address.value().andNot(hostMask);
        return new IpRange(new IpAddress(network, address.ipv6()), new IpAddress(network.or(hostMask), address.ipv6()));
    }

    private static int prefixLength(String s, int bits) {
        if (s.isEmpty() || s.length() > 3 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return -1;
        }
        int n = Integer.parseInt(s);
        return n > bits ? -1 : n;
    }

    public boolean ipv6() {
        return first.ipv6();
    }

    /** The number of addresses, both ends included. */
    public BigInteger size() {
        return last.value().subtract(first.value()).add(BigInteger.ONE);
    }

    public boolean contains(IpAddress a) {
        return a.ipv6() == ipv6() && a.compareTo(first) >= 0 && a.compareTo(last) <= 0;
    }

    /** The address {@code offset} places after {@link #first()}. */
    public IpAddress at(BigInteger offset) {
        return first.plus(offset);
    }

    /** The prefix length when this range is exactly one CIDR block, else -1. */
    int prefixLength() {
        BigInteger size = size();
        if (size.bitCount() != 1) return -1;
        int hostBits = size.bitLength() - 1;
        return first.value().getLowestSetBit() >= hostBits || first.value().signum() == 0
                ? first.bits() - hostBits : -1;
    }

    /** {@code a.b.c.d/n} when the range is one CIDR block, else {@code first-last}. */
    @Override
    public String toString() {
        int prefix = prefixLength();
        return prefix >= 0 ? first + "/" + prefix : first + "-" + last;
    }
}
