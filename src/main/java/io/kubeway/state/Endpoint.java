package io.kubeway.state;

import io.kubeway.core.IpLiterals;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static java.util.Objects.requireNonNull;

/**
 * One backend address a listener may send traffic to. {@code target} names where it came from
 * (usually {@code ns/pod}), for logs and the admin API only.
 */
public record Endpoint(InetAddress ip, int port, String target) {
    public Endpoint {
        requireNonNull(ip, "ip");
        requireNonNull(target, "target");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port " + port);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(ip, port);
    }

    @Override
    public String toString() {
        return (ip.getAddress().length == 16 ? "[" + IpLiterals.format(ip) + "]" : ip.getHostAddress()) + ":" + port;
    }
}
