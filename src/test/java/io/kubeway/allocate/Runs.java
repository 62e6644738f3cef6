package io.kubeway.allocate;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kubeway.core.NamespacedName;
import io.kubeway.core.Problem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Runs one allocation pass and reads its result by service name. */
record Runs(AllocationResult result) {
    static Runs run(Allocator allocator, Allocations previous, List<IpPool> pools, Candidate... candidates) {
        return new Runs(allocator.allocate(Arrays.asList(candidates), pools, previous));
    }

    static Runs run(Allocator allocator, Allocations previous, Service... services) {
        List<Candidate> cs = new ArrayList<>();
        for (Service s : services) cs.add(new Candidate(s, null, "services.yaml"));
        return new Runs(allocator.allocate(cs, List.of(), previous));
    }

    static Runs run(Allocator allocator, Service... services) {
        return run(allocator, Allocations.empty(), services);
    }

    Allocations next() {
        return result.next();
    }

    Optional<Service> accepted(String name) {
        return result.accepted().stream().filter(s -> s.getMetadata().getName().equals(name)).findFirst();
    }

    Service get(String name) {
        return accepted(name).orElseThrow(() -> new AssertionError(name + " was not admitted; problems: " + messages()));
    }

    String clusterIP(String name) {
        return get(name).getSpec().getClusterIP();
    }

    List<Integer> nodePorts(String name) {
        return get(name).getSpec().getPorts().stream().map(ServicePort::getNodePort).toList();
    }

    List<String> ingress(String name) {
        return get(name).getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
    }

    ServiceAllocation allocation(String name) {
        return result.next().services().get(new NamespacedName("default", name));
    }

    List<String> messages() {
        return result.problems().stream().map(Problem::message).toList();
    }

    List<Problem> problems() {
        return result.problems();
    }
}
