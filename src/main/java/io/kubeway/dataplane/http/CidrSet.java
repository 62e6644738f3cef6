package io.kubeway.dataplane.http;

import io.kubeway.core.IpLiterals;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP prefixes ({@code 10.0.0.0/8}, {@code fd00::/8}, or single addresses), for trusted proxies and
 * rate-limit exemptions. IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3}, what a dual-stack socket
 * reports for IPv4 peers) match the IPv4 prefixes. Immutable and thread-safe.
 */
final class CidrSet {
    static final CidrSet EMPTY = new CidrSet(new byte[0][], new int[0]);

    private final byte[][] networks;
    private final int[] prefixes;

    private CidrSet(byte[][] networks, int[] prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /**
     * @throws IllegalArgumentException naming the first entry that is not an address or CIDR
     */
    static CidrSet parse(List<String> cidrs) {
        if (cidrs.isEmpty()) return EMPTY;
        List<byte[]> nets = new ArrayList<>();
        List<Integer> lens = new ArrayList<>();
        for (String raw : cidrs) {
            String s = raw.trim();
            int slash = s.indexOf('/');
            InetAddress a = IpLiterals.parse(slash < 0 ? s : s.substring(0, slash));
            if (a == null) throw new IllegalArgumentException("not an IP address or CIDR: \"" + raw + "\"");
            byte[] bytes = a.getAddress();
            int bits = bytes.length * 8;
            int len = bits;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an IP address or CIDR: \"" + raw + "\"");
                }
                if (len < 0 || len > bits) throw new IllegalArgumentException("bad prefix length in \"" + raw + "\"");
            }
            nets.add(bytes);
            lens.add(len);
        }
        int[] p = new int[lens.size()];
        for (int i = 0; i < p.length; i++) p[i] = lens.get(i);
        return new CidrSet(nets.toArray(new byte[0][]), p);
    }

    boolean isEmpty() {
        return networks.length == 0;
    }

    boolean contains(InetAddress address) {
        if (networks.length == 0 || address == null) return false;
        byte[] a = unmap(address).getAddress();
        for (int i = 0; i < networks.length; i++) {
            if (networks[i].length == a.length && matches(networks[i], a, prefixes[i])) return true;
        }
        return false;
    }

    private static boolean matches(byte[] net, byte[] a, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) if (net[i] != a[i]) return false;
        int rest = prefix % 8;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (a[full] & mask);
    }

    /** {@code ::ffff:a.b.c.d} as the IPv4 address it stands for; any other address unchanged. */
    static InetAddress unmap(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a;
        byte[] b = a.getAddress();
        for (int i = 0; i < 10; i++) if (b[i] != 0) return a;
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) return a;
        try {
            return Inet4Address.getByAddress(new byte[]{b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }
}
