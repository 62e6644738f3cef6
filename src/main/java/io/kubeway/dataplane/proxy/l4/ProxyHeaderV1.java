package io.kubeway.dataplane.proxy.l4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol v1 header ({@code PROXY TCP4 client server cport sport\r\n}) a backend of an exposed TCP
 * service asked for ({@code ns/svc:port::PROXY}) gets before the client's bytes: the client and the address it
 * connected to. IPv4-mapped IPv6 addresses are written as IPv4, as HAProxy does.
 */
final class ProxyHeaderV1 {
    private ProxyHeaderV1() {
    }

    static ByteBuf of(Channel client, ByteBufAllocator alloc) {
        return alloc.buffer(108).writeBytes(text(ProxyHeaderReader.client(client), ProxyHeaderReader.server(client))
                .getBytes(StandardCharsets.US_ASCII));
    }

    static String text(InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = unmap(source.getAddress());
        InetAddress dst = unmap(destination.getAddress());
        if (src instanceof Inet4Address != dst instanceof Inet4Address) return "PROXY UNKNOWN\r\n";
        String family = src instanceof Inet4Address ? "TCP4" : "TCP6";
        return "PROXY " + family + " " + src.getHostAddress() + " " + dst.getHostAddress() + " " + source.getPort()
                + " " + destination.getPort() + "\r\n";
    }

    private static InetAddress unmap(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16) return a;
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) return a;
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) return a;
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }
}
