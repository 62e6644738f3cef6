package io.kubeway.admin;

import io.kubeway.core.IpLiterals;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Locale;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * Which {@code Host} headers the admin API answers, against DNS rebinding: a web page from {@code evil.example}
 * whose name is made to resolve to 127.0.0.1 can make a browser send requests to the admin API, but the
 * browser then sends {@code Host: evil.example}. Answered are: {@code localhost} and names under
 * {@code .localhost} (browsers resolve those to loopback themselves, never through DNS), loopback addresses,
 * the {@code --admin-address} host, and, when that is a wildcard address, this machine's own addresses. A
 * name an attacker controls is never one of them. Kubernetes' API server has no such check (it authenticates
 * every request instead); the admin API has no authentication, so this check stands in for it.
 *
 * <p>A request without Host passes only in HTTP/1.0 (HTTP/1.1 requires it; browsers always send it).
 */
final class HostCheck {
    private final InetAddress bound;
    private final Predicate<InetAddress> localAddress;

    HostCheck(InetAddress bound) {
        this(bound, HostCheck::isLocal);
    }

    HostCheck(InetAddress bound, Predicate<InetAddress> localAddress) {
        this.bound = requireNonNull(bound, "bound");
        this.localAddress = requireNonNull(localAddress, "localAddress");
    }

    /** Whether a request carrying {@code host} (the header's value, null when absent) is answered. */
    boolean allows(@Nullable String host, boolean http10) {
        if (host == null) {
            return http10;
        }
        String name = stripPort(host.strip()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        InetAddress address = IpLiterals.parse(name);
        if (address == null) {
            return false;
        }
        return address.isLoopbackAddress() || address.equals(bound)
                || (bound.isAnyLocalAddress() && localAddress.test(address));
    }

    /** {@code [::1]:10249} to {@code ::1}, {@code 127.0.0.1:10249} to {@code 127.0.0.1}, names keep no port. */
    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(1, close);
        }
        int colon = host.indexOf(':');
        // more than one colon without brackets is not a valid Host; it stays as it is and fails the check
        return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
