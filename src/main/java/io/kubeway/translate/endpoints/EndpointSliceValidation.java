package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;
import io.kubeway.core.KubeNames;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import io.kubeway.core.FieldError;
import org.jspecify.annotations.Nullable;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Validation of user-supplied EndpointSlices, as the API server does on create
 * (pkg/apis/discovery/validation {@code ValidateEndpointSliceCreate}, after the discovery/v1 defaults: a missing
 * port name is {@code ""}, a missing protocol TCP). Messages match the API server's.
 *
 * <p>Checked: {@code metadata.name}; {@code addressType} (IPv4, IPv6 or FQDN); at most 1000 endpoints, each with
 * 1..100 addresses valid for the address type and not unspecified, loopback or link-local; nodeName,
 * hostname, hints and deprecatedTopology syntax; at most 20000 ports with unique DNS-label names, protocol
 * TCP/UDP/SCTP and a qualified-name appProtocol.
 *
 * <p>Kubeway additions: a port number, when present, must be 1..65535 (the API server accepts any int32, but
 * kube-proxy ignores 0 and nothing can dial past 65535). {@link #validate(EndpointSlice, boolean)} can allow
 * loopback addresses, which standalone setups legitimately use for local backends.
 *
 * <p>Valid FQDN slices are accepted here but never proxied: {@link EndpointSelection} skips them, since the
 * proxy does not resolve names. A slice also needs the {@code kubernetes.io/service-name} label to belong to a
 * Service; that is not a validation error (see {@link #ownerService}).
 */
public final class EndpointSliceValidation {
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_PORTS = 20000;
    private static final int MAX_TOPOLOGY_LABELS = 16;
    private static final int MAX_HINTS = 8;
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private EndpointSliceValidation() {
    }

    /** The API server's errors for this slice (plus the port range check); empty when valid. */
    public static List<FieldError> validate(EndpointSlice slice) {
        return validate(slice, false);
    }

    /** As {@link #validate(EndpointSlice)}; with {@code allowLoopback}, 127.0.0.0/8 and ::1 are accepted. */
    public static List<FieldError> validate(EndpointSlice slice, boolean allowLoopback) {
        requireNonNull(slice, "slice");
        List<FieldError> errs = new ArrayList<>();
        String name = slice.getMetadata() == null ? null : slice.getMetadata().getName();
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required("metadata.name", "name or generateName is required"));
        } else {
            for (String m : KubeNames.dns1123Subdomain(name)) errs.add(FieldError.invalid("metadata.name", name, m));
        }
        String type = slice.getAddressType();
        if (type == null || type.isEmpty()) {
            errs.add(FieldError.required("addressType", ""));
        } else if (!ADDRESS_TYPES.contains(type)) {
            errs.add(FieldError.notSupported("addressType", type, ADDRESS_TYPES));
        }
        validateEndpoints(slice.getEndpoints(), type, allowLoopback, errs);
        validatePorts(slice.getPorts(), errs);
        return List.copyOf(errs);
    }

    /**
     * The name of the Service this slice belongs to (its {@code kubernetes.io/service-name} label), or null:
     * kube-proxy, and so Kubeway, ignores slices without the label.
     */
    public static @Nullable String ownerService(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata() == null ? null : slice.getMetadata().getLabels();
        String name = labels == null ? null : labels.get(EndpointSliceLabels.SERVICE_NAME);
        return name == null || name.isEmpty() ? null : name;
    }

    private static void validateEndpoints(@Nullable List<Endpoint> endpoints, @Nullable String type,
                                          boolean allowLoopback, List<FieldError> errs) {
        if (endpoints == null) return;
        if (endpoints.size() > MAX_ENDPOINTS) {
            errs.add(tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS));
            return;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint ep = endpoints.get(i);
            String path = "endpoints[" + i + "]";
            List<String> addresses = ep.getAddresses() == null ? List.of() : ep.getAddresses();
            if (addresses.isEmpty()) {
                errs.add(FieldError.required(path + ".addresses", "must contain at least 1 address"));
            } else if (addresses.size() > MAX_ADDRESSES) {
                errs.add(tooMany(path + ".addresses", addresses.size(), MAX_ADDRESSES));
            }
            for (int j = 0; j < addresses.size(); j++) {
                validateAddress(addresses.get(j), type, allowLoopback, path + ".addresses[" + j + "]", errs);
            }
            if (ep.getNodeName() != null) {
                for (String m : KubeNames.dns1123Subdomain(ep.getNodeName())) {
                    errs.add(FieldError.invalid(path + ".nodeName", ep.getNodeName(), m));
                }
            }
            validateTopology(ep.getDeprecatedTopology(), path + ".deprecatedTopology", errs);
            if (ep.getHostname() != null) {
                for (String m : KubeNames.dns1123Label(ep.getHostname())) {
                    errs.add(FieldError.invalid(path + ".hostname", ep.getHostname(), m));
                }
            }
            if (ep.getHints() != null) validateHints(ep.getHints(), path + ".hints", errs);
        }
    }

    private static void validateAddress(@Nullable String address, @Nullable String type, boolean allowLoopback,
                                        String path, List<FieldError> errs) {
        String a = address == null ? "" : address;
        if ("FQDN".equals(type)) {
            validateFqdn(a, path, errs);
            return;
        }
        if (!"IPv4".equals(type) && !"IPv6".equals(type)) return; // unknown types are not validated
        InetAddress ip = IpLiterals.parse(a);
        boolean v6 = "IPv6".equals(type);
        if (ip == null || IpLiterals.isIPv6(ip) != v6) {
            errs.add(FieldError.invalid(path, a, v6 ? "must be a valid IPv6 address" : "must be a valid IPv4 address"));
        }
        // ValidateNonSpecialIP, which also runs (and repeats the complaint) for text that is no IP at all.
        if (ip == null) {
            errs.add(FieldError.invalid(path, a, "must be a valid IP address"));
            return;
        }
        if (ip.isAnyLocalAddress()) errs.add(FieldError.invalid(path, a, "may not be unspecified (" + a + ")"));
        if (ip.isLoopbackAddress() && !allowLoopback) {
            errs.add(FieldError.invalid(path, a, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        if (ip.isLinkLocalAddress()) {
            errs.add(FieldError.invalid(path, a, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        if (ip.isMCLinkLocal()) {
            errs.add(FieldError.invalid(path, a,
                    "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
    }

    /** {@code IsFullyQualifiedDomainName}: a DNS subdomain of at least two labels, trailing dot allowed. */
    private static void validateFqdn(String a, String path, List<FieldError> errs) {
        if (a.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        String name = a.endsWith(".") ? a.substring(0, a.length() - 1) : a;
        List<String> sub = KubeNames.dns1123Subdomain(name);
        if (!sub.isEmpty()) {
            errs.add(FieldError.invalid(path, name, String.join(",", sub)));
            return;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            errs.add(FieldError.invalid(path, name, "should be a domain with at least two segments separated by dots"));
            return;
        }
        for (String label : labels) {
            List<String> m = KubeNames.dns1123Label(label);
            if (!m.isEmpty()) {
                errs.add(FieldError.invalid(path, label, String.join(",", m)));
                return;
            }
        }
    }

    private static void validateTopology(@Nullable Map<String, String> topology, String path, List<FieldError> errs) {
        if (topology == null || topology.isEmpty()) return;
        if (topology.size() > MAX_TOPOLOGY_LABELS) errs.add(tooMany(path, topology.size(), MAX_TOPOLOGY_LABELS));
        topology.forEach((k, v) -> {
            for (String m : KubeNames.qualifiedName(k)) errs.add(FieldError.invalid(path, k, m));
            for (String m : KubeNames.validLabelValue(v == null ? "" : v)) errs.add(FieldError.invalid(path, v, m));
        });
    }

    private static void validateHints(EndpointHints hints, String path, List<FieldError> errs) {
        List<ForZone> zones = hints.getForZones() == null ? List.of() : hints.getForZones();
        if (zones.size() > MAX_HINTS) {
            errs.add(tooMany(path + ".forZones", zones.size(), MAX_HINTS));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < zones.size(); i++) {
            String zp = path + ".forZones[" + i + "].name";
            String zone = zones.get(i).getName() == null ? "" : zones.get(i).getName();
            if (!seen.add(zone)) errs.add(FieldError.duplicate(zp, zone));
            for (String m : KubeNames.validLabelValue(zone)) errs.add(FieldError.invalid(zp, zone, m));
        }
        List<ForNode> nodes = hints.getForNodes() == null ? List.of() : hints.getForNodes();
        if (nodes.size() > MAX_HINTS) {
            errs.add(tooMany(path + ".forNodes", nodes.size(), MAX_HINTS));
            return;
        }
        seen.clear();
        for (int i = 0; i < nodes.size(); i++) {
            String np = path + ".forNodes[" + i + "].name";
            String node = nodes.get(i).getName() == null ? "" : nodes.get(i).getName();
            if (!seen.add(node)) errs.add(FieldError.duplicate(np, node));
            for (String m : KubeNames.dns1123Subdomain(node)) errs.add(FieldError.invalid(np, node, m));
        }
    }

    private static void validatePorts(@Nullable List<EndpointPort> ports, List<FieldError> errs) {
        if (ports == null) return;
        if (ports.size() > MAX_PORTS) {
            errs.add(tooMany("ports", ports.size(), MAX_PORTS));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            EndpointPort p = ports.get(i);
            String path = "ports[" + i + "]";
            String name = p.getName() == null ? "" : p.getName(); // defaulted
            if (!name.isEmpty()) {
                for (String m : KubeNames.dns1123Label(name)) errs.add(FieldError.invalid(path + ".name", name, m));
            }
            if (!names.add(name)) errs.add(FieldError.duplicate(path + ".name", name));
            String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol(); // defaulted
            if (!PROTOCOLS.contains(protocol)) {
                errs.add(FieldError.notSupported(path + ".protocol", protocol, PROTOCOLS));
            }
            if (p.getAppProtocol() != null) {
                for (String m : KubeNames.qualifiedName(p.getAppProtocol())) {
                    errs.add(FieldError.invalid(path + ".appProtocol", p.getAppProtocol(), m));
                }
            }
            Integer num = p.getPort();
            if (num != null && (num < 1 || num > 65535)) {
                errs.add(FieldError.invalid(path + ".port", num, "must be between 1 and 65535, inclusive"));
            }
        }
    }

    /** {@code field.TooMany}; FieldError does not print the value for this type, so the detail carries it. */
    private static FieldError tooMany(String path, int actual, int max) {
        return new FieldError(FieldError.Type.TOO_MANY, path, actual,
                actual + ": must have at most " + max + " items");
    }
}
