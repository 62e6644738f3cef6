package io.kubeway.state;

import io.kubeway.core.IpLiterals;
import io.kubeway.core.Protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;

import static java.util.Objects.requireNonNull;

/** Where a listener binds: address, port and protocol. The key of the data plane's listener diff. */
public record ListenKey(InetAddress address, int port, Protocol protocol) implements Comparable<ListenKey> {
    private static final Comparator<ListenKey> ORDER = Comparator
            .comparing(ListenKey::address, ListenKey::compareAddresses)
            .thenComparingInt(ListenKey::port)
            .thenComparing(ListenKey::protocol);

    /** IPv4 before IPv6, then numerically; IPv4 without copying bytes (its hash code is the address). */
    private static int compareAddresses(InetAddress a, InetAddress b) {
        if (a instanceof java.net.Inet4Address && b instanceof java.net.Inet4Address) {
            return Integer.compareUnsigned(a.hashCode(), b.hashCode());
        }
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : java.util.Arrays.compareUnsigned(x, y);
    }

    public ListenKey {
        requireNonNull(address, "address");
        requireNonNull(protocol, "protocol");
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public int compareTo(ListenKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        String a = address.getAddress().length == 16 ? "[" + IpLiterals.format(address) + "]" : address.getHostAddress();
        return a + ":" + port + "/" + protocol;
    }
}
