package io.kubeway.cli;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** kubectl's EndpointSlice columns: NAME ADDRESSTYPE PORTS ENDPOINTS AGE (no extra -o wide columns). */
final class TableEndpointSlices implements TableColumns<EndpointSlice> {
    private static final int MAX_LISTED = 3;

    @Override
    public List<String> headers(boolean wide) {
        return List.of("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE");
    }

    @Override
    public List<String> row(EndpointSlice slice, boolean wide, Instant now) {
        return List.of(slice.getMetadata().getName(), slice.getAddressType() == null ? "" : slice.getAddressType(),
                ports(slice.getPorts()), endpoints(slice.getEndpoints()),
                TableAge.since(slice.getMetadata().getCreationTimestamp(), now));
    }

    /** Port numbers; a port without a number shows its name, or {@code *} without one either. */
    static String ports(List<EndpointPort> ports) {
        List<String> values = new ArrayList<>();
        for (EndpointPort port : ports == null ? List.<EndpointPort>of() : ports) {
            if (port.getPort() != null) {
                values.add(Integer.toString(port.getPort()));
            } else {
                values.add(port.getName() != null ? port.getName() : "*");
            }
        }
        return firstFewOf(values);
    }

    /** Every address of every endpoint, in order. */
    static String endpoints(List<Endpoint> endpoints) {
        List<String> addresses = new ArrayList<>();
        for (Endpoint endpoint : endpoints == null ? List.<Endpoint>of() : endpoints) {
            if (endpoint.getAddresses() != null) {
                addresses.addAll(endpoint.getAddresses());
            }
        }
        return firstFewOf(addresses);
    }

    // kubectl's listWithMoreString: "a,b,c + 2 more...", or <unset> when there is nothing
    private static String firstFewOf(List<String> values) {
        String shown = String.join(",", values.subList(0, Math.min(MAX_LISTED, values.size())));
        if (values.size() > MAX_LISTED) {
            return shown + " + " + (values.size() - MAX_LISTED) + " more...";
        }
        return shown.isEmpty() ? "<unset>" : shown;
    }
}
