package io.kubeway.dataplane.proxy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A UDP backend answering every datagram with {@code NAME SENDER-IP:PORT}: which flow socket reached it. */
final class UdpWhoami implements AutoCloseable {
    private final DatagramSocket socket;
    private final String name;
    private final Thread thread;

    UdpWhoami(InetAddress ip, String name) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(ip, 0));
        this.name = name;
        this.thread = Thread.ofVirtual().start(this::serve);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buf = new byte[65_536];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] answer = (name + " " + p.getAddress().getHostAddress() + ":" + p.getPort())
                        .getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        thread.interrupt();
    }
}
