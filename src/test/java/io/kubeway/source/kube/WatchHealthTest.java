package io.kubeway.source.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class WatchHealthTest {
    private static final String WHAT = "ingresses (networking.k8s.io/v1), all namespaces";
    private final MutableClock clock = new MutableClock();
    private final WatchHealth health = new WatchHealth(clock);

    @Test
    void aMissingPermissionNamesTheVerbsAndTheResource() {
        health.failed(WHAT, new KubernetesClientException("ingresses.networking.k8s.io is forbidden", 403, null));

        assertThat(health.describe(WHAT, false, false)).hasValue("source: initial list of " + WHAT
                + " not received since 2026-12-05T10:00:00Z: forbidden: Kubeway's service account needs list and watch on "
                + WHAT);
    }

    @Test
    void aWatchBeingReestablishedIsNotStaleUntilTheGraceHasPassed() {
        assertThat(health.describe(WHAT, true, false)).isEmpty();
        clock.advance(Duration.ofSeconds(6));
        assertThat(health.describe(WHAT, true, false)).hasValue("source: watch of " + WHAT
                + " is down since 2026-12-05T10:00:00Z");
        assertThat(health.describe(WHAT, true, true)).isEmpty();
        assertThat(health.describe(WHAT, true, false)).isEmpty(); // a new outage starts a new grace
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
