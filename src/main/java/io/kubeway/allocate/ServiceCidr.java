package io.kubeway.allocate;

import java.math.BigInteger;

/**
 * The Service IP range ({@code --service-cluster-ip-range}) as the API server's IP allocator sees it:
 * the CIDR minus its network address and, for IPv4, its broadcast address, split into a static band at
 * the bottom ({@code min(max(16, cidrSize/16), 256)} addresses, KEP-3070) that dynamic allocation only
 * uses once the upper band is full.
 */
final class ServiceCidr {
    private static final BigInteger SIXTEEN = BigInteger.valueOf(16);
    private static final BigInteger MAX_OFFSET = BigInteger.valueOf(256);

    private final IpRange cidr;
    private final int prefix;
    private final IpRange usable;
    private final BigInteger staticBand;

    private ServiceCidr(IpRange cidr, int prefix) {
        this.cidr = cidr;
        this.prefix = prefix;
        IpAddress firstUsable = cidr.first().plus(BigInteger.ONE);
        IpAddress lastUsable = cidr.ipv6() ? cidr.last() : cidr.last().plus(BigInteger.ONE.negate());
        this.usable = new IpRange(firstUsable, lastUsable);
        this.staticBand = rangeOffset(cidr.size()).min(usable.size());
    }

    /** Parses the configured CIDR; throws {@link IllegalArgumentException} when it is unusable. */
    static ServiceCidr parse(String text) {
        IpRange cidr;
        try {
            cidr = IpRange.parseCidr(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("serviceCidr: " + e.getMessage(), e);
        }
        int prefix = cidr.prefixLength();
        if (cidr.ipv6() && prefix < 64) {
            // the API server's own limit (ipallocator.NewIPAllocator)
            throw new IllegalArgumentException("serviceCidr \"" + text
                    + "\": shortest allowed prefix length for service CIDR is 64, got " + prefix);
        }
        int minHostBits = cidr.ipv6() ? 1 : 2;
        if (cidr.first().bits() - prefix < minHostBits) {
            throw new IllegalArgumentException("serviceCidr \"" + text + "\": the range has no usable addresses");
        }
        return new ServiceCidr(cidr, prefix);
    }

    /** {@code min(max(16, size/16), 256)}, or 0 when the CIDR has 16 addresses or fewer. */
    static BigInteger rangeOffset(BigInteger cidrSize) {
        if (cidrSize.compareTo(SIXTEEN) <= 0) return BigInteger.ZERO;
        return cidrSize.divide(SIXTEEN).max(SIXTEEN).min(MAX_OFFSET);
    }

    boolean ipv6() {
        return cidr.ipv6();
    }

    /** The IP family name used in {@code spec.ipFamilies}. */
    String family() {
        return cidr.ipv6() ? "IPv6" : "IPv4";
    }

    /** The addresses a Service may get: the CIDR without its network (and IPv4 broadcast) address. */
    IpRange usable() {
        return usable;
    }

    /** How many addresses at the bottom of {@link #usable()} form the static band. */
    BigInteger staticBand() {
        return staticBand;
    }

    boolean contains(IpAddress a) {
        return usable.contains(a);
    }

    /** The canonical CIDR, as the API server prints it in "The range of valid IPs is ...". */
    @Override
    public String toString() {
        return cidr.first() + "/" + prefix;
    }
}
