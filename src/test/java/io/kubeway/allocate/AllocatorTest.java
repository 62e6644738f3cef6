package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.allocate.Runs.run;
import static io.kubeway.allocate.TestServices.CLOCK;
import static io.kubeway.allocate.TestServices.OUR_CLASS;
import static io.kubeway.allocate.TestServices.allocator;
import static io.kubeway.allocate.TestServices.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocatorTest {
    record BadConfig(String name, AllocatorConfig config, String message) {
    }

    static Stream<BadConfig> badConfigs() {
        List<String> pools = List.of("192.168.10.0/24");
        return Stream.of(
                new BadConfig("bad CIDR", new AllocatorConfig("127.96.0.0/33", "30000-32767", pools, OUR_CLASS),
                        "serviceCidr: invalid CIDR \"127.96.0.0/33\""),
                new BadConfig("missing CIDR", new AllocatorConfig(null, "30000-32767", pools, OUR_CLASS),
                        "serviceCidr is required"),
                new BadConfig("bad range", new AllocatorConfig("127.96.0.0/12", "32767-30000", pools, OUR_CLASS),
                        "nodePortRange: invalid port range \"32767-30000\" (expected min-max within 1-65535, e.g. \"30000-32767\")"),
                new BadConfig("bad pool", new AllocatorConfig("127.96.0.0/12", "30000-32767",
                        List.of("192.168.10.0/24", "192.168.11.9-192.168.11.1"), OUR_CLASS),
                        "defaultPools[1]: invalid IP range \"192.168.11.9-192.168.11.1\": start IP \"192.168.11.9\" is "
                                + "after the end IP \"192.168.11.1\""),
                new BadConfig("no pools list", new AllocatorConfig("127.96.0.0/12", "30000-32767", null, OUR_CLASS),
                        "defaultPools is required (it may be empty)"),
                new BadConfig("no class", new AllocatorConfig("127.96.0.0/12", "30000-32767", pools, " "),
                        "loadBalancerClass is required"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void rejectsBadConfigWithAClearMessage(BadConfig c) {
        assertThatThrownBy(() -> new Allocator(c.config(), CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(c.message());
    }

    @Test
    void newServicesGetIdentityFromTheClockAndKeepIt() {
        Runs first = run(allocator(), service("web", s -> s.port(80)), service("api", s -> s.port(80)));
        Service web = first.get("web");
        assertThat(web.getMetadata().getCreationTimestamp()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(web.getMetadata().getUid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
                .isNotEqualTo(first.get("api").getMetadata().getUid());

        Allocator later = new Allocator(new AllocatorConfig("127.96.0.0/12", "30000-32767", List.of(), OUR_CLASS),
                Clock.fixed(Instant.parse("2026-11-25T08:30:15.123Z"), ZoneOffset.UTC));
        Runs second = run(later, first.next(), service("web", s -> s.port(80)), service("new", s -> s.port(80)));
        assertThat(second.get("web").getMetadata().getUid()).isEqualTo(web.getMetadata().getUid());
        assertThat(second.get("web").getMetadata().getCreationTimestamp()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(second.get("new").getMetadata().getCreationTimestamp()).isEqualTo("2026-11-25T08:30:15Z");

        // deleted and re-created later: a new uid, as the API server gives
        Runs gone = run(later, second.next(), service("new", s -> s.port(80)));
        Allocator evenLater = new Allocator(new AllocatorConfig("127.96.0.0/12", "30000-32767", List.of(), OUR_CLASS),
                Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC));
        Runs back = run(evenLater, gone.next(), service("web", s -> s.port(80)));
        assertThat(back.get("web").getMetadata().getUid()).isNotEqualTo(web.getMetadata().getUid());
    }

    @Test
    void acceptedServicesAreCopiesInCandidateOrderWithDefaultNamespace() {
        Service input = service("web", s -> s.nodePort().port(80));
        input.getMetadata().setNamespace(null);
        Service other = service("other", s -> s.port(80));
        Runs r = run(allocator(), input, other);
        assertThat(r.result().accepted()).extracting(s -> s.getMetadata().getName()).containsExactly("web", "other");
        Service stored = r.get("web");
        assertThat(stored).isNotSameAs(input);
        assertThat(stored.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(input.getSpec().getClusterIP()).isNull(); // the input is untouched
        assertThat(input.getSpec().getPorts().get(0).getNodePort()).isNull();
        assertThat(input.getMetadata().getUid()).isNull();
        assertThat(stored.getSpec().getPorts().get(0)).isNotSameAs(input.getSpec().getPorts().get(0));
    }

    @Test
    void duplicatesAreReportedAndOnlyTheFirstIsUsed() {
        Runs r = run(allocator(), service("web", s -> s.clusterIP("127.96.0.5").port(80)),
                service("web", s -> s.clusterIP("127.96.0.6").port(80)));
        assertThat(r.result().accepted()).hasSize(1);
        assertThat(r.clusterIP("web")).isEqualTo("127.96.0.5");
        assertThat(r.problems()).singleElement().satisfies(p -> assertThat(p.reason()).isEqualTo("Duplicate"));
    }

    @Test
    void namelessCandidatesAreReportedNotThrown() {
        Service nameless = service("x", s -> s.port(80));
        nameless.getMetadata().setName(null);
        Service noMetadata = service("y", s -> s.port(80));
        noMetadata.setMetadata(null);
        Runs r = run(allocator(), nameless, noMetadata, service("web", s -> s.port(80)));
        assertThat(r.result().accepted()).extracting(s -> s.getMetadata().getName()).containsExactly("web");
        assertThat(r.messages()).containsExactly(
                "Service \"\" is invalid: metadata.name: Required value: name or generateName is required",
                "Service \"\" is invalid: metadata.name: Required value: name or generateName is required");
    }

    @Test
    void aServiceInAnotherNamespaceIsAnotherService() {
        Runs r = run(allocator(), service("a", "web", s -> s.port(80)), service("b", "web", s -> s.port(80)));
        assertThat(r.result().accepted()).hasSize(2);
        assertThat(r.next().services()).hasSize(2);
    }

    @Test
    void restartThroughTheStoreGivesTheSameAllocation(@TempDir Path dir) {
        Service[] services = {
                service("web", s -> s.loadBalancer().local().port(80).port(443)),
                service("dns", s -> s.nodePort().port(53, "UDP").port(53, "TCP")),
                service("headless", s -> s.clusterIP("None").port(80))};
        Runs first = run(allocator(), services);
        new AllocationStore(dir).save(first.next());

        Allocations restored = new AllocationStore(dir).load();
        assertThat(restored).isEqualTo(first.next());
        // listed in another order after the restart: every service keeps everything
        Runs second = run(allocator(), restored, services[2], services[1], services[0]);
        assertThat(second.next()).isEqualTo(first.next());
        for (String name : List.of("web", "dns", "headless")) {
            assertThat(second.get(name)).isEqualTo(first.get(name));
        }
    }

    @Test
    void aLastAcceptedVersionThatCannotBeKeptIsReportedToo() {
        Runs first = run(allocator("10.0.0.0/27", "30000-32767"), service("web", s -> s.clusterIP("10.0.0.5").port(80)));
        // the Service CIDR moved: neither the edit nor the last accepted version fits
        Allocator moved = allocator("10.1.0.0/27", "30000-32767");
        Runs r = run(moved, first.next(), List.of(), new Candidate(service("web", s -> s.clusterIP("10.0.0.6").port(80)),
                first.get("web"), "web.yaml"));
        assertThat(r.accepted("web")).isEmpty();
        assertThat(r.next().services()).isEmpty();
        assertThat(r.messages()).containsExactly(
                "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.6\"}: may not change once set",
                "the last accepted version cannot be kept either: Service \"web\" is invalid: spec.clusterIPs: Invalid "
                        + "value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is "
                        + "not in the valid range. The range of valid IPs is 10.1.0.0/27");
    }
}
