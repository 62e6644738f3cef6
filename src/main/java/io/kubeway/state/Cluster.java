package io.kubeway.state;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The backend set behind a listener, already filtered by the translator: only endpoints that may get
 * new connections (ready ones, or serving-but-terminating ones when no ready one is left; node-local
 * ones under a Local traffic policy). An empty list means: refuse new connections.
 *
 * @param name                   readable and stable, e.g. {@code ns/svc:http/TCP} or {@code ns/svc:http/TCP/local}
 * @param affinityTimeoutSeconds ClientIP session affinity timeout; 0 means no affinity
 */
public record Cluster(String name, List<Endpoint> endpoints, int affinityTimeoutSeconds) {
    public Cluster {
        requireNonNull(name, "name");
        endpoints = List.copyOf(endpoints);
        if (affinityTimeoutSeconds < 0) throw new IllegalArgumentException("affinityTimeoutSeconds");
    }

    public boolean hasAffinity() {
        return affinityTimeoutSeconds > 0;
    }
}
