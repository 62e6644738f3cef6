package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static io.kubeway.allocate.Pools.pool;
import static io.kubeway.allocate.TestServices.allocator;
import static io.kubeway.allocate.TestServices.service;
import static org.assertj.core.api.Assertions.assertThat;

class LoadBalancerAllocationTest {
    private final Allocator allocator = allocator(); // default pool 192.168.10.0/24, avoidBuggyIPs

    private Runs run(Allocations previous, List<IpPool> pools, Service... services) {
        List<Candidate> cs = Stream.of(services).map(s -> new Candidate(s, null, "lb.yaml")).toList();
        return new Runs(allocator.allocate(cs, pools, previous));
    }

    private Runs run(List<IpPool> pools, Service... services) {
        return run(Allocations.empty(), pools, services);
    }

    private static Service lb(String name, java.util.function.UnaryOperator<TestServices.Spec> more) {
        return service(name, s -> more.apply(s.loadBalancer().port(80)));
    }

    private static Service lb(String name) {
        return lb(name, s -> s);
    }

    @Test
    void defaultPoolSkipsTheNetworkAddressAndSetsIngress() {
        Runs r = run(List.of(), lb("a"), lb("b"));
        assertThat(r.ingress("a")).containsExactly("192.168.10.1");
        assertThat(r.ingress("b")).containsExactly("192.168.10.2");
        LoadBalancerIngress ingress = r.get("a").getStatus().getLoadBalancer().getIngress().get(0);
        assertThat(ingress.getIpMode()).isEqualTo("VIP");
        assertThat(r.allocation("a").loadBalancerIPs()).containsExactly("192.168.10.1");
        assertThat(r.problems()).isEmpty();
    }

    record Requested(String name, Service service, String ip) {
    }

    static Stream<Requested> requested() {
        return Stream.of(
                new Requested("annotation", lb("web", s -> s.annotation("metallb.io/loadBalancerIPs", "192.168.10.50")),
                        "192.168.10.50"),
                new Requested("deprecated annotation",
                        lb("web", s -> s.annotation("metallb.universe.tf/loadBalancerIPs", " 192.168.10.51 ")),
                        "192.168.10.51"),
                new Requested("spec.loadBalancerIP", lb("web", s -> s.loadBalancerIP("192.168.10.52")), "192.168.10.52"));
    }

    @ParameterizedTest
    @MethodSource("requested")
    void requestedIpIsHonoured(Requested c) {
        Runs r = run(List.of(), c.service());
        assertThat(r.ingress("web")).containsExactly(c.ip());
    }

    record Failure(String name, Service service, String message) {
    }

    static Stream<Failure> failures() {
        String prefix = "Failed to allocate IP for \"default/web\": ";
        return Stream.of(
                new Failure("not in any pool", lb("web", s -> s.loadBalancerIP("10.9.9.9")),
                        prefix + "requested IP 10.9.9.9 is not in any pool"),
                new Failure("buggy address of an avoiding pool", lb("web", s -> s.loadBalancerIP("192.168.10.255")),
                        prefix + "requested IP 192.168.10.255 is excluded from pool \"default\", which avoids buggy IPs"
                                + " (.0 and .255)"),
                new Failure("both annotation and spec", lb("web", s -> s.loadBalancerIP("192.168.10.5")
                                .annotation("metallb.io/loadBalancerIPs", "192.168.10.5")),
                        prefix + "service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"),
                new Failure("bad annotation", lb("web", s -> s.annotation("metallb.io/loadBalancerIPs", "192.168.10.5,x")),
                        prefix + "invalid metallb.io/loadBalancerIPs: \"192.168.10.5,x\""),
                new Failure("other family", lb("web", s -> s.annotation("metallb.io/loadBalancerIPs", "fd00::5")),
                        prefix + "requested loadBalancer IPs fd00::5 do not match the IP family of the service (IPv4)"),
                new Failure("unknown pool", lb("web", s -> s.annotation("metallb.io/address-pool", "nope")),
                        prefix + "unknown pool \"nope\""));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void unobtainableIpLeavesTheServicePendingWithAWarning(Failure c) {
        Runs r = run(List.of(), c.service());
        assertThat(r.ingress("web")).isEmpty(); // admitted, without ingress
        assertThat(r.allocation("web").loadBalancerIPs()).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("AllocationFailed");
            assertThat(p.warning()).isTrue();
            assertThat(p.source()).isEqualTo("lb.yaml");
            assertThat(p.message()).isEqualTo(c.message());
        });
    }

    @Test
    void declaredPoolsReplaceTheDefaultOnesAndAreTriedByName() {
        List<IpPool> pools = List.of(pool("zeta", "10.0.2.0/30"), pool("alpha", "10.0.1.0/30"));
        Runs r = run(pools, lb("a"));
        assertThat(r.ingress("a")).containsExactly("10.0.1.0"); // no avoidBuggyIPs: .0 is fine
    }

    @Test
    void autoAssignFalsePoolsServeOnlyWhenNamed() {
        List<IpPool> pools = List.of(pool("a-reserved", false, false, "10.0.1.0/30"), pool("b-public", "10.0.2.0/30"));
        Runs r = run(pools, lb("auto"), lb("pinned", s -> s.annotation("metallb.io/address-pool", "a-reserved")),
                lb("old", s -> s.annotation("metallb.universe.tf/address-pool", "a-reserved")));
        assertThat(r.ingress("auto")).containsExactly("10.0.2.0");
        assertThat(r.ingress("pinned")).containsExactly("10.0.1.0");
        assertThat(r.ingress("old")).containsExactly("10.0.1.1");

        Runs none = run(List.of(pool("only", false, false, "10.0.1.0/30")), lb("web"));
        assertThat(none.messages()).containsExactly("Failed to allocate IP for \"default/web\": no pool has autoAssign "
                + "enabled; name one with the metallb.io/address-pool annotation");
    }

    @Test
    void avoidBuggyIpsSkipsDotZeroAndDot255() {
        Runs avoiding = run(List.of(pool("p", true, true, "10.0.0.254-10.0.1.2")), lb("a"), lb("b"), lb("c"));
        assertThat(List.of(avoiding.ingress("a"), avoiding.ingress("b"), avoiding.ingress("c")))
                .containsExactly(List.of("10.0.0.254"), List.of("10.0.1.1"), List.of("10.0.1.2"));
        Runs plain = run(List.of(pool("p", "10.0.0.254-10.0.1.2")), lb("a"), lb("b"), lb("c"));
        assertThat(List.of(plain.ingress("a"), plain.ingress("b"), plain.ingress("c")))
                .containsExactly(List.of("10.0.0.254"), List.of("10.0.0.255"), List.of("10.0.1.0"));
    }

    @Test
    void poolExhaustion() {
        List<IpPool> pools = List.of(pool("tiny", "10.0.0.1-10.0.0.2"));
        Runs r = run(pools, lb("a"), lb("b"), lb("c"), lb("d", s -> s.annotation("metallb.io/address-pool", "tiny")));
        assertThat(r.ingress("a")).containsExactly("10.0.0.1");
        assertThat(r.ingress("b")).containsExactly("10.0.0.2");
        assertThat(r.messages()).containsExactly(
                "Failed to allocate IP for \"default/c\": no available IPs in pool \"tiny\"",
                "Failed to allocate IP for \"default/d\": no available IPs in pool \"tiny\"");
    }

    @Test
    void sharingKeyLetsServicesShareAnIpWhenPortsDoNotClash() {
        String key = "metallb.io/allow-shared-ip";
        Runs r = run(List.of(),
                service("http", s -> s.loadBalancer().port(80).annotation(key, "web")),
                service("https", s -> s.loadBalancer().port(443).annotation(key, "web")),
                service("clash", s -> s.loadBalancer().port(80).annotation(key, "web")),
                service("otherkey", s -> s.loadBalancer().port(8080).annotation(key, "other")),
                service("deprecated", s -> s.loadBalancer().port(53, "UDP").annotation("metallb.universe.tf/allow-shared-ip", "web")));
        assertThat(r.ingress("http")).containsExactly("192.168.10.1");
        assertThat(r.ingress("https")).containsExactly("192.168.10.1");
        assertThat(r.ingress("deprecated")).containsExactly("192.168.10.1");
        assertThat(r.ingress("clash")).containsExactly("192.168.10.2"); // TCP/80 is taken on .1
        assertThat(r.ingress("otherkey")).containsExactly("192.168.10.3");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void sharingARequestedIpIsRefusedWithTheReason() {
        String key = "metallb.io/allow-shared-ip";
        String ip = "metallb.io/loadBalancerIPs";
        Runs r = run(List.of(),
                service("owner", s -> s.loadBalancer().port(80).annotation(key, "web").annotation(ip, "192.168.10.9")),
                service("clash", s -> s.loadBalancer().port(80).annotation(key, "web").annotation(ip, "192.168.10.9")),
                service("nokey", s -> s.loadBalancer().port(81).annotation(ip, "192.168.10.9")),
                service("wrongkey", s -> s.loadBalancer().port(82).annotation(key, "x").annotation(ip, "192.168.10.9")),
                service("local", s -> s.loadBalancer().local().selector("app", "other").port(83)
                        .annotation(key, "web").annotation(ip, "192.168.10.9")));
        assertThat(r.ingress("owner")).containsExactly("192.168.10.9");
        String prefix = "IP 192.168.10.9 is already in use by default/owner";
        assertThat(r.messages()).containsExactly(
                "Failed to allocate IP for \"default/clash\": " + prefix + " (port TCP/80 is already in use on it by default/owner)",
                "Failed to allocate IP for \"default/nokey\": " + prefix
                        + " and this service does not allow sharing (no metallb.io/allow-shared-ip annotation)",
                "Failed to allocate IP for \"default/wrongkey\": " + prefix + " (sharing key \"x\" does not match \"web\")",
                "Failed to allocate IP for \"default/local\": " + prefix + " (services sharing an IP must all use "
                        + "externalTrafficPolicy Cluster, or Local with the same selector)");
    }

    @Test
    void localServicesWithTheSameSelectorShare() {
        String key = "metallb.io/allow-shared-ip";
        Runs r = run(List.of(),
                service("a", s -> s.loadBalancer().local().port(80).annotation(key, "k")),
                service("b", s -> s.loadBalancer().local().port(443).annotation(key, "k")));
        assertThat(r.ingress("b")).isEqualTo(r.ingress("a"));
    }

    @Test
    void foreignLoadBalancerClassStaysPendingSilently() {
        Runs r = run(List.of(), lb("theirs", s -> s.loadBalancerClass("example.com/other")),
                lb("ours", s -> s.loadBalancerClass(TestServices.OUR_CLASS)));
        assertThat(r.ingress("theirs")).isEmpty();
        assertThat(r.nodePorts("theirs").get(0)).isNotNull(); // still a LoadBalancer Service for the API server
        assertThat(r.ingress("ours")).containsExactly("192.168.10.1");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void aServiceKeepsItsIpAndANewcomerCannotTakeIt() {
        Runs first = run(List.of(), lb("a"));
        Service thief = lb("thief", s -> s.annotation("metallb.io/loadBalancerIPs", "192.168.10.1"));
        Runs r = run(first.next(), List.of(), thief, lb("b"), lb("a"));
        assertThat(r.ingress("a")).containsExactly("192.168.10.1");
        assertThat(r.ingress("thief")).isEmpty();
        assertThat(r.ingress("b")).containsExactly("192.168.10.2");
        assertThat(r.messages()).containsExactly("Failed to allocate IP for \"default/thief\": IP 192.168.10.1 is already "
                + "in use by default/a, which does not allow sharing (no metallb.io/allow-shared-ip annotation)");
    }

    @Test
    void anIpThatIsNoLongerValidIsReplaced() {
        Runs first = run(List.of(), lb("a"), lb("b", s -> s.loadBalancerIP("192.168.10.20")));
        // the pools change, and b asks for another IP
        List<IpPool> pools = List.of(pool("new", "10.0.0.0/29"));
        Runs r = run(first.next(), pools, lb("a"), lb("b", s -> s.loadBalancerIP("10.0.0.5")));
        assertThat(r.ingress("a")).containsExactly("10.0.0.0");
        assertThat(r.ingress("b")).containsExactly("10.0.0.5");
        // naming another pool moves a Service too
        List<IpPool> two = List.of(pool("new", "10.0.0.0/29"), pool("other", false, false, "10.0.1.0/29"));
        Runs moved = run(r.next(), two, lb("a", s -> s.annotation("metallb.io/address-pool", "other")));
        assertThat(moved.ingress("a")).containsExactly("10.0.1.0");
    }

    @Test
    void changingTypeReleasesTheIp() {
        Runs first = run(List.of(), lb("a"));
        Runs r = run(first.next(), List.of(), service("a", s -> s.port(80)), lb("b"));
        assertThat(r.ingress("a")).isEmpty();
        assertThat(r.allocation("a").loadBalancerIPs()).isEmpty();
        assertThat(r.ingress("b")).containsExactly("192.168.10.1");
    }

    @Test
    void noPoolsAtAll() {
        Allocator bare = allocator("127.96.0.0/12", "30000-32767");
        Runs r = new Runs(bare.allocate(List.of(new Candidate(lb("web"), null, null)), List.of(), Allocations.empty()));
        assertThat(r.messages()).containsExactly(
                "Failed to allocate IP for \"default/web\": no IP address pools are configured");
    }

    @Test
    void ipv6Pools() {
        Allocator v6 = allocator("fd00:10::/112", "30000-32767", "fd00:20::/126", "192.168.10.0/24");
        Runs r = new Runs(v6.allocate(List.of(new Candidate(lb("web"), null, null)), List.of(), Allocations.empty()));
        assertThat(r.ingress("web")).containsExactly("fd00:20::");
    }
}
