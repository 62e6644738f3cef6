package io.kubeway.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port ranges nobody on this machine holds, for tests that need a NodePort range: a test must never assume that
 * a fixed port (30080, 31080, ...) is free, since any other process may hold it. A range is free when every
 * port binds on the wildcard address for TCP and UDP (a wildcard bind fails if any address holds the port).
 * Searched below Linux's ephemeral range (32768+), where outgoing connections do not take ports by themselves.
 * Another process could still take a port after the check; only a test that binds port 0 is immune to that.
 */
public final class FreePorts {
    private static final int LOW = 20000;
    private static final int HIGH = 32000;

    private FreePorts() {
    }

    /** {@code size} consecutive free ports, as {@code first-last} (kubeway's --node-port-range syntax). */
    public static String range(int size) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = LOW + random.nextInt(HIGH - LOW - size);
            if (allFree(first, size)) {
                return first + "-" + (first + size - 1);
            }
        }
        throw new IllegalStateException("no " + size + " consecutive free ports between " + LOW + " and " + HIGH);
    }

    /** The first port of a range made by {@link #range}. */
    public static int first(String range) {
        return Integer.parseInt(range.substring(0, range.indexOf('-')));
    }

    private static boolean allFree(int first, int size) {
        for (int port = first; port < first + size; port++) {
            if (!free(port)) {
                return false;
            }
        }
        return true;
    }

    private static boolean free(int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(port));
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(port))) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }
}
