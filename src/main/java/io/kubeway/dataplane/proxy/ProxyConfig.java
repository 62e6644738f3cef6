package io.kubeway.dataplane.proxy;

import io.kubeway.dataplane.ConnectionLimits;
import io.kubeway.dataplane.proxy.transport.Transport;

import java.time.Duration;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the userspace L4 proxy.
 *
 * @param workerThreads  event loop threads; 0 means one per available processor
 * @param connectTimeout how long one backend connect attempt may take before the next endpoint is tried
 * @param udpIdleTimeout a UDP flow without traffic either way for this long is ended
 * @param transport      {@code auto} (io_uring, else epoll, else nio), {@code io_uring}, {@code epoll} or {@code nio}
 * @param maxClientConnections open TCP client connections per listener; more are reset at accept (default:
 *                       {@link ConnectionLimits#defaults()}, a share of the fd limit)
 */
public record ProxyConfig(int workerThreads, Duration connectTimeout, Duration udpIdleTimeout, String transport,
                          int maxClientConnections) {
    public ProxyConfig(int workerThreads, Duration connectTimeout, Duration udpIdleTimeout, String transport) {
        this(workerThreads, connectTimeout, udpIdleTimeout, transport, ConnectionLimits.defaults().maxClientConnections());
    }

    public ProxyConfig {
        if (maxClientConnections < 1) {
            throw new IllegalArgumentException("maxClientConnections must be >= 1: " + maxClientConnections);
        }
        if (workerThreads < 0) throw new IllegalArgumentException("workerThreads must be >= 0: " + workerThreads);
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(udpIdleTimeout, "udpIdleTimeout");
        requireNonNull(transport, "transport");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        if (udpIdleTimeout.isNegative() || udpIdleTimeout.isZero()) {
            throw new IllegalArgumentException("udpIdleTimeout must be positive: " + udpIdleTimeout);
        }
        transport = transport.toLowerCase(Locale.ROOT);
        if (!Transport.NAMES.contains(transport)) {
            throw new IllegalArgumentException("transport must be one of " + Transport.NAMES + ": " + transport);
        }
    }

    /** One thread per processor, 5 s connect timeout, 30 s UDP idle timeout, the best transport available. */
    public static ProxyConfig defaults() {
        return new ProxyConfig(0, Duration.ofSeconds(5), Duration.ofSeconds(30), "auto");
    }

    public ProxyConfig withTransport(String name) {
        return new ProxyConfig(workerThreads, connectTimeout, udpIdleTimeout, name, maxClientConnections);
    }

    public ProxyConfig withUdpIdleTimeout(Duration timeout) {
        return new ProxyConfig(workerThreads, connectTimeout, timeout, transport, maxClientConnections);
    }

    public ProxyConfig withWorkerThreads(int threads) {
        return new ProxyConfig(threads, connectTimeout, udpIdleTimeout, transport, maxClientConnections);
    }

    public ProxyConfig withMaxClientConnections(int max) {
        return new ProxyConfig(workerThreads, connectTimeout, udpIdleTimeout, transport, max);
    }
}
