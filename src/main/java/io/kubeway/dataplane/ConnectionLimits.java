package io.kubeway.dataplane;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/**
 * Caps that keep an attack from exhausting file descriptors: past a cap new work is refused (a refused
 * connection, a 503) instead of the process running out of fds and failing everyone. The defaults are shares of
 * the process's fd limit (HotSpot on Linux raises the soft RLIMIT_NOFILE to the hard limit at start,
 * {@code -XX:+MaxFDLimit}, so this is the hard limit).
 *
 * @param maxClientConnections        open client connections per listener (HTTP and L4); more are closed at accept
 * @param maxUpstreamConnects         backend connects in flight (TCP connect and TLS handshake) per HTTP listener;
 *                                    a request that would start one more gets 503
 * @param maxUpstreamConnectsPerClient backend connects in flight per client connection (HTTP/2: all its streams);
 *                                    further streams wait their turn (bounded by the stream limit)
 */
public record ConnectionLimits(int maxClientConnections, int maxUpstreamConnects, int maxUpstreamConnectsPerClient) {
    /** Assumed when the JVM cannot tell the fd limit (not a Unix). */
    static final long FALLBACK_FD_LIMIT = 4096;

    public ConnectionLimits {
        if (maxClientConnections < 1) throw new IllegalArgumentException("maxClientConnections must be >= 1: " + maxClientConnections);
        if (maxUpstreamConnects < 1) throw new IllegalArgumentException("maxUpstreamConnects must be >= 1: " + maxUpstreamConnects);
        if (maxUpstreamConnectsPerClient < 1) {
            throw new IllegalArgumentException("maxUpstreamConnectsPerClient must be >= 1: " + maxUpstreamConnectsPerClient);
        }
    }

    /** The defaults for this process's fd limit ({@link #forFdLimit}). */
    public static ConnectionLimits defaults() {
        return forFdLimit(fdLimit());
    }

    /**
     * A quarter of the fds for the client connections of one listener (each may hold a backend connection too),
     * a sixteenth for backend connects in flight per listener, and 32 per client connection (a browser's burst of
     * HTTP/2 streams to a cold backend; more wait). Never below a floor that keeps a small limit usable.
     */
    public static ConnectionLimits forFdLimit(long fds) {
        int clients = (int) Math.clamp(fds / 4, 64, Integer.MAX_VALUE);
        int connects = (int) Math.clamp(fds / 16, 16, Integer.MAX_VALUE);
        return new ConnectionLimits(clients, connects, Math.min(32, connects));
    }

    /** The process's fd limit (RLIMIT_NOFILE), or {@link #FALLBACK_FD_LIMIT} if the platform does not say. */
    public static long fdLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            if (max > 0) return max;
        }
        return FALLBACK_FD_LIMIT;
    }

    /** Open fds of this process, or -1 if the platform does not say (for the bench and the admin view). */
    public static long openFds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }
}
