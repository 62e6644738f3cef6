package io.kubeway.admin;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * What one admin API client may hold: the admin API is an operator's window and a health probe's target, so
 * a few idle or slow clients must never be able to shut it (a JDK HttpServer with two threads was blocked for
 * minutes by two unfinished request heads).
 *
 * @param maxConnections     open connections at once; more are answered 503 and closed
 * @param requestTimeout     from the first byte of a request until its head and body are read
 * @param idleTimeout        how long a connection may wait for its first or next request
 * @param maxInitialLine     longest request line, in bytes (longer: 414)
 * @param maxHeaderSize      largest header block, in bytes (larger: 431)
 * @param maxContentLength   largest request body, in bytes (the API is read-only; larger: 413)
 */
public record AdminLimits(int maxConnections, Duration requestTimeout, Duration idleTimeout, int maxInitialLine,
                          int maxHeaderSize, int maxContentLength) {
    /** 64 connections, 10 s to send a request, 60 s idle, 4 KiB request line, 8 KiB headers, 64 KiB body. */
    public static final AdminLimits DEFAULTS = new AdminLimits(64, Duration.ofSeconds(10), Duration.ofSeconds(60),
            4096, 8192, 65536);

    public AdminLimits {
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        if (maxConnections < 1 || maxInitialLine < 64 || maxHeaderSize < 256 || maxContentLength < 0
                || requestTimeout.isNegative() || requestTimeout.isZero()
                || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("invalid admin limits: " + this);
        }
    }
}
