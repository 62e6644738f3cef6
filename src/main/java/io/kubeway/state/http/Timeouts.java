package io.kubeway.state.http;

import java.time.Duration;

/** Upstream timeouts (ingress-nginx's proxy-connect/read/send-timeout; defaults 5 s / 60 s / 60 s). */
public record Timeouts(Duration connect, Duration read, Duration send) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));
}
