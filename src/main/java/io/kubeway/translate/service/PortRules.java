package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.kubeway.core.FieldError;
import io.kubeway.core.KubeNames;

/** The port rules of {@code ValidateService}: {@code validateServicePort} and the uniqueness checks. */
final class PortRules {
    /** {@code supportedPortProtocols}, sorted as {@code sets.List} prints it. */
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private PortRules() {
    }

    /** {@code validateServicePort} for every port; with more than one port, each needs a name. */
    static void eachPort(ServiceSpec spec, List<FieldError> errs) {
        List<ServicePort> ports = ports(spec);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            port(ports.get(i), ports.size() > 1, names, portPath(i), errs);
        }
    }

    private static void port(ServicePort sp, boolean requireName, Set<String> names, String path,
                             List<FieldError> errs) {
        String name = str(sp.getName());
        if (requireName && name.isEmpty()) {
            errs.add(FieldError.required(path + ".name", ""));
        } else if (!name.isEmpty()) {
            // Service port names are DNS-1123 labels; the IANA_SVC_NAME rules apply to named targetPorts.
            for (String msg : KubeNames.dns1123Label(name)) {
                errs.add(FieldError.invalid(path + ".name", name, msg));
            }
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(path + ".name", name));
            }
        }
        for (String msg : KubeNames.portNum(num(sp.getPort()))) {
            errs.add(FieldError.invalid(path + ".port", num(sp.getPort()), msg));
        }
        String protocol = str(sp.getProtocol());
        if (protocol.isEmpty()) {
            errs.add(FieldError.required(path + ".protocol", ""));
        } else if (!PROTOCOLS.contains(protocol)) {
            errs.add(FieldError.notSupported(path + ".protocol", protocol, PROTOCOLS));
        }
        targetPort(sp.getTargetPort(), path + ".targetPort", errs);
        if (sp.getAppProtocol() != null) {
            for (String msg : KubeNames.labelKey(sp.getAppProtocol())) {
                errs.add(FieldError.invalid(path + ".appProtocol", sp.getAppProtocol(), msg));
            }
        }
    }

    /** {@code ValidatePortNumOrName}; an unset targetPort is Go's zero IntOrString, the number 0. */
    private static void targetPort(IntOrString target, String field, List<FieldError> errs) {
        if (target != null && target.getStrVal() != null) {
            for (String msg : KubeNames.portName(target.getStrVal())) {
                errs.add(FieldError.invalid(field, target.getStrVal(), msg));
            }
            return;
        }
        int value = target == null ? 0 : num(target.getIntVal());
        for (String msg : KubeNames.portNum(value)) {
            errs.add(FieldError.invalid(field, value, msg));
        }
    }

    /** nodePort is forbidden on ClusterIP Services; (protocol, nodePort) and (protocol, port) are unique. */
    static void nodePortsAndDuplicates(ServiceSpec spec, List<FieldError> errs) {
        List<ServicePort> ports = ports(spec);
        if (isType(spec, CLUSTER_IP)) {
            for (int i = 0; i < ports.size(); i++) {
                if (num(ports.get(i).getNodePort()) != 0) {
                    errs.add(FieldError.forbidden(portPath(i) + ".nodePort",
                            "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }
        Set<Key> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            int nodePort = num(ports.get(i).getNodePort());
            if (nodePort != 0 && !nodePorts.add(new Key(str(ports.get(i).getProtocol()), nodePort))) {
                errs.add(FieldError.duplicate(portPath(i) + ".nodePort", nodePort));
            }
        }
        Set<Key> keys = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String protocol = str(ports.get(i).getProtocol());
            int port = num(ports.get(i).getPort());
            if (!keys.add(new Key(protocol, port))) {
                errs.add(FieldError.duplicate(portPath(i), GoValue.servicePortKey(protocol, port)));
            }
        }
    }

    private record Key(String protocol, int port) {
    }
}
