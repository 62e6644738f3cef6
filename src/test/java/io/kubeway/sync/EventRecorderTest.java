package io.kubeway.sync;

import io.fabric8.kubernetes.api.model.Event;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A problem that lasts across syncs is one event, naming the object, its file and why. */
class EventRecorderTest {
    private final EventRecorder recorder = new EventRecorder(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"),
            ZoneOffset.UTC), "node-1", 1000);

    @Test
    void repeatedSyncsDoNotMultiplyEvents() {
        Problem deployment = Problem.warning(new ObjectRef("Deployment", "shop", "web"), "/m/web.yaml", "NotServed",
                "Kubeway does not run workloads: give the Service Pods with status.podIP, or an EndpointSlice");
        Problem pod = Problem.warning(new ObjectRef("Pod", "shop", "web-1"), "/m/web.yaml", "NoAddress",
                "no address, so no endpoint");
        for (int sync = 0; sync < 5; sync++) {
            recorder.observe(List.of(deployment, pod, deployment), ref -> null);
        }
        List<Event> events = recorder.events();
        assertThat(events).hasSize(2);
        assertThat(events).extracting(e -> e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getNamespace()
                + "/" + e.getInvolvedObject().getName() + " " + e.getType() + " " + e.getReason() + " "
                + e.getCount() + ": " + e.getMessage()).containsExactlyInAnyOrder(
                "Deployment shop/web Warning NotServed 1: Kubeway does not run workloads: give the Service Pods "
                        + "with status.podIP, or an EndpointSlice (/m/web.yaml)",
                "Pod shop/web-1 Warning NoAddress 1: no address, so no endpoint (/m/web.yaml)");
    }
}
