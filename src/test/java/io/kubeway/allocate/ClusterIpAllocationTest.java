package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.kubeway.allocate.Runs.run;
import static io.kubeway.allocate.TestServices.allocator;
import static io.kubeway.allocate.TestServices.service;
import static org.assertj.core.api.Assertions.assertThat;

class ClusterIpAllocationTest {
    private final Allocator small = allocator("10.0.0.0/27", "30000-32767"); // .1-.30, static band .1-.16

    private static Service web(String ip) {
        return service("web", s -> s.clusterIP(ip).port(80));
    }

    @Test
    void dynamicAllocationFillsTheUpperBandBeforeTheStaticBand() {
        Service[] services = IntStream.range(0, 30).mapToObj(i -> service("s" + i, s -> s.port(80)))
                .toArray(Service[]::new);
        Runs r = run(small, services);
        List<Integer> lastOctets = IntStream.range(0, 30)
                .mapToObj(i -> Integer.parseInt(r.clusterIP("s" + i).substring("10.0.0.".length()))).toList();
        // the first 14 services take the whole upper band .17-.30, the next 16 the static band .1-.16
        assertThat(lastOctets.subList(0, 14)).allMatch(o -> o >= 17 && o <= 30).doesNotHaveDuplicates();
        assertThat(lastOctets.subList(14, 30)).allMatch(o -> o >= 1 && o <= 16).doesNotHaveDuplicates();
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aFullRangeIsAnInternalError() {
        Allocator tiny = allocator("10.0.0.0/29", "30000-32767"); // .1-.6, no static band
        Service[] services = IntStream.range(0, 7).mapToObj(i -> service("s" + i, s -> s.port(80)))
                .toArray(Service[]::new);
        Runs r = run(tiny, services);
        Set<String> ips = new HashSet<>();
        IntStream.range(0, 6).forEach(i -> ips.add(r.clusterIP("s" + i)));
        assertThat(ips).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
        assertThat(r.accepted("s6")).isEmpty();
        assertThat(r.problems()).containsExactly(Problem.warning(ObjectRef.of("Service", new NamespacedName("default", "s6")),
                "services.yaml", "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full"));
    }

    @Test
    void allocationIsDeterministic() {
        // a regression guard: these values come from the FNV-1a start point and must not drift
        Runs r = run(allocator(), service("web", s -> s.port(80)), service("kube-system", "dns", s -> s.port(53)));
        Runs again = run(allocator(), service("web", s -> s.port(80)), service("kube-system", "dns", s -> s.port(53)));
        assertThat(again.result()).isEqualTo(r.result());
        // upper band start 127.96.1.1 + (FNV-1a("default/web") mod (2^20 - 2 - 256)), computed independently
        assertThat(r.clusterIP("web")).isEqualTo("127.96.149.150");
    }

    record Explicit(String name, String requested, String expectedMessage) {
    }

    static Stream<Explicit> explicitRejections() {
        return Stream.of(
                new Explicit("out of range", "10.0.1.5", "Service \"web\" is invalid: spec.clusterIPs: Invalid value: "
                        + "[]string{\"10.0.1.5\"}: failed to allocate IP 10.0.1.5: the provided IP (10.0.1.5) is not in "
                        + "the valid range. The range of valid IPs is 10.0.0.0/27"),
                new Explicit("network address", "10.0.0.0", "Service \"web\" is invalid: spec.clusterIPs: Invalid value: "
                        + "[]string{\"10.0.0.0\"}: failed to allocate IP 10.0.0.0: the provided IP (10.0.0.0) is not in "
                        + "the valid range. The range of valid IPs is 10.0.0.0/27"),
                new Explicit("broadcast address", "10.0.0.31", "Service \"web\" is invalid: spec.clusterIPs: Invalid value: "
                        + "[]string{\"10.0.0.31\"}: failed to allocate IP 10.0.0.31: the provided IP (10.0.0.31) is not in "
                        + "the valid range. The range of valid IPs is 10.0.0.0/27"),
                new Explicit("other family", "fd00::1", "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: "
                        + "[]string{\"fd00::1\"}: IPv6 is not configured on this cluster"),
                new Explicit("not an IP", "10.0.0.x", "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: "
                        + "\"10.0.0.x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
    }

    @ParameterizedTest
    @MethodSource("explicitRejections")
    void explicitIpMustBeInRange(Explicit c) {
        Runs r = run(small, web(c.requested()));
        assertThat(r.accepted("web")).isEmpty();
        assertThat(r.messages()).containsExactly(c.expectedMessage());
        assertThat(r.problems().get(0).reason()).isEqualTo("Invalid");
        assertThat(r.problems().get(0).source()).isEqualTo("services.yaml");
        assertThat(r.next().services()).isEmpty();
    }

    @Test
    void explicitIpIsHonouredEvenInTheStaticBand() {
        Runs r = run(small, web("10.0.0.5"), service("other", s -> s.port(80)));
        assertThat(r.clusterIP("web")).isEqualTo("10.0.0.5");
        assertThat(r.get("web").getSpec().getClusterIPs()).containsExactly("10.0.0.5");
        assertThat(r.clusterIP("other")).isNotEqualTo("10.0.0.5");
    }

    @Test
    void takenIpRejectsTheNewcomerAndTheOwnerKeepsIt() {
        Runs first = run(small, web("10.0.0.5"));
        Service thief = service("thief", s -> s.clusterIP("10.0.0.5").port(80));
        // the newcomer is listed first, but the owner holds a previous allocation and goes first
        Runs r = run(small, first.next(), thief, web("10.0.0.5"));
        assertThat(r.clusterIP("web")).isEqualTo("10.0.0.5");
        assertThat(r.accepted("thief")).isEmpty();
        assertThat(r.messages()).containsExactly("Service \"thief\" is invalid: spec.clusterIPs: Invalid value: "
                + "[]string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: provided IP is already allocated");
    }

    @Test
    void twoNewServicesAskingForTheSameIpTheLaterOneFails() {
        Runs r = run(small, web("10.0.0.5"), service("second", s -> s.clusterIP("10.0.0.5").port(80)));
        assertThat(r.clusterIP("web")).isEqualTo("10.0.0.5");
        assertThat(r.accepted("second")).isEmpty();
    }

    @Test
    void clusterIpIsImmutableAndAnEmptyRequestKeepsIt() {
        Runs first = run(small, service("web", s -> s.port(80)));
        String ip = first.clusterIP("web");

        Runs kept = run(small, first.next(), service("web", s -> s.port(8080)));
        assertThat(kept.clusterIP("web")).isEqualTo(ip);

        String other = ip.equals("10.0.0.9") ? "10.0.0.10" : "10.0.0.9";
        Runs changed = run(small, first.next(), web(other));
        assertThat(changed.accepted("web")).isEmpty();
        assertThat(changed.messages()).containsExactly("Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: "
                + "[]string{\"" + other + "\"}: may not change once set");
    }

    @Test
    void lastAcceptedVersionKeepsServingWhenAnEditIsRejected() {
        Runs first = run(small, web("10.0.0.5"));
        Service lastAccepted = first.get("web");
        Candidate edited = new Candidate(web("10.0.0.6"), lastAccepted, "web.yaml");
        Runs r = run(small, first.next(), List.of(), edited);
        assertThat(r.clusterIP("web")).isEqualTo("10.0.0.5");
        assertThat(r.get("web").getMetadata().getUid()).isEqualTo(lastAccepted.getMetadata().getUid());
        assertThat(r.next()).isEqualTo(first.next());
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("Invalid");
            assertThat(p.source()).isEqualTo("web.yaml");
            assertThat(p.message()).endsWith("may not change once set");
        });
    }

    @Test
    void removedServicesReleaseTheirIps() {
        Runs first = run(small, web("10.0.0.5"));
        Runs removed = run(small, first.next(), service("other", s -> s.port(80)));
        assertThat(removed.next().services()).doesNotContainKey(new NamespacedName("default", "web"));
        Runs reused = run(small, removed.next(), service("other", s -> s.port(80)),
                service("newcomer", s -> s.clusterIP("10.0.0.5").port(80)));
        assertThat(reused.clusterIP("newcomer")).isEqualTo("10.0.0.5");
    }

    @Test
    void headlessAndExternalNameGetNoIp() {
        Service headless = service("headless", s -> s.clusterIP("None").port(80));
        Service external = service("ext", s -> s.type("ExternalName"));
        external.getSpec().setExternalName("example.com");
        Runs r = run(small, headless, external);
        assertThat(r.get("headless").getSpec().getClusterIPs()).containsExactly("None");
        assertThat(r.get("ext").getSpec().getClusterIP()).isNull();
        assertThat(r.get("ext").getSpec().getClusterIPs()).isEmpty();
        assertThat(r.allocation("headless").clusterIPs()).containsExactly("None");
        assertThat(r.allocation("ext").clusterIPs()).isEmpty();
    }

    @Test
    void changingToExternalNameReleasesTheIpAndBackAllocatesAgain() {
        Runs first = run(small, web("10.0.0.5"));
        Service external = service("web", s -> s.type("ExternalName"));
        external.getSpec().setExternalName("example.com");
        Runs second = run(small, first.next(), external, service("other", s -> s.clusterIP("10.0.0.5").port(80)));
        assertThat(second.clusterIP("other")).isEqualTo("10.0.0.5");
        Runs third = run(small, second.next(), service("web", s -> s.port(80)), service("other", s -> s.clusterIP("10.0.0.5").port(80)));
        assertThat(third.clusterIP("web")).isNotEqualTo("10.0.0.5").startsWith("10.0.0.");
    }

    @Test
    void existingServicesGoFirstSoWhatTheyReleaseIsFreeForNewcomersListedBefore() {
        Runs first = run(small, web("10.0.0.5"));
        Service external = service("web", s -> s.type("ExternalName"));
        external.getSpec().setExternalName("example.com");
        Runs r = run(small, first.next(), service("newcomer", s -> s.clusterIP("10.0.0.5").port(80)), external);
        assertThat(r.clusterIP("newcomer")).isEqualTo("10.0.0.5");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void headlessCannotBecomeClusterIpAndViceVersa() {
        Runs first = run(small, service("h", s -> s.clusterIP("None").port(80)), web("10.0.0.5"));
        Runs r = run(small, first.next(), service("h", s -> s.clusterIP("10.0.0.7").port(80)), web("None"));
        assertThat(r.messages()).containsExactlyInAnyOrder(
                "Service \"h\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.7\"}: may not change once set",
                "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"None\"}: may not change once set");
    }

    @Test
    void ipFamiliesAreDefaultedAndCheckedAgainstTheCluster() {
        Runs r = run(small, service("web", s -> s.port(80)),
                service("v6", s -> s.ipFamilies("IPv6").port(80)),
                service("dual", s -> s.ipFamilyPolicy("RequireDualStack").port(80)),
                service("prefer", s -> s.ipFamilyPolicy("PreferDualStack").port(80)),
                service("hl", s -> s.clusterIP("None").noSelector()));
        assertThat(r.get("web").getSpec().getIpFamilies()).containsExactly("IPv4");
        assertThat(r.get("web").getSpec().getIpFamilyPolicy()).isEqualTo("SingleStack");
        assertThat(r.get("prefer").getSpec().getIpFamilies()).containsExactly("IPv4");
        // headless without selector defaults to RequireDualStack with both families, as the API server does
        assertThat(r.get("hl").getSpec().getIpFamilyPolicy()).isEqualTo("RequireDualStack");
        assertThat(r.get("hl").getSpec().getIpFamilies()).containsExactly("IPv4", "IPv6");
        assertThat(r.messages()).containsExactlyInAnyOrder(
                "Service \"v6\" is invalid: spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster",
                "Service \"dual\" is invalid: spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": "
                        + "this cluster is not configured for dual-stack services");
    }

    @Test
    void ipv6ServiceCidr() {
        Allocator v6 = allocator("fd00:10::/120", "30000-32767");
        Runs r = run(v6, service("web", s -> s.port(80)), service("fixed", s -> s.clusterIP("fd00:10::ff").port(80)));
        assertThat(IpAddress.parse(r.clusterIP("web"))).isGreaterThanOrEqualTo(IpAddress.parse("fd00:10::11"));
        assertThat(r.clusterIP("fixed")).isEqualTo("fd00:10::ff"); // IPv6 keeps the last address
        assertThat(r.get("web").getSpec().getIpFamilies()).containsExactly("IPv6");
    }

    @Test
    void aPreviousIpOutsideANewServiceCidrIsReplacedWithAWarning() {
        Runs first = run(allocator("10.0.0.0/27", "30000-32767"), service("web", s -> s.port(80)));
        Runs r = run(allocator("10.1.0.0/27", "30000-32767"), first.next(), service("web", s -> s.port(80)));
        assertThat(r.clusterIP("web")).startsWith("10.1.0.");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("ClusterIPReallocated");
            assertThat(p.message()).contains("the previous cluster IP " + first.clusterIP("web"))
                    .contains("not in the Service CIDR 10.1.0.0/27");
        });
    }
}
