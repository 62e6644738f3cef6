package io.kubeway.translate.service;

import static io.kubeway.translate.service.Services.*;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;

/**
 * What a valid Service asks for that Kubeway cannot serve. These are warnings, not validation errors:
 * Kubernetes accepts the Service, and Kubeway serves the rest of it.
 */
public final class ServiceSupport {
    /** The reason of a port whose protocol Kubeway does not proxy. */
    public static final String PROTOCOL_NOT_SUPPORTED = "ProtocolNotSupported";

    private ServiceSupport() {
    }

    /**
     * One Warning problem per SCTP port, for example
     * {@code SCTP is not supported by kubeway; port sctp (SCTP/9000) is not proxied}.
     *
     * @param source the manifest file the Service came from, or null
     */
    public static List<Problem> unsupported(Service svc, String source) {
        requireNonNull(svc, "svc");
        List<Problem> problems = new ArrayList<>();
        String namespace = str(meta(svc).getNamespace());
        ObjectRef ref = new ObjectRef("Service",
                namespace.isEmpty() ? ServiceDefaults.DEFAULT_NAMESPACE : namespace, str(meta(svc).getName()));
        for (ServicePort port : ports(spec(svc))) {
            if ("SCTP".equals(port.getProtocol())) {
                String name = str(port.getName());
                String which = (name.isEmpty() ? "" : name + " ") + "(SCTP/" + num(port.getPort()) + ")";
                problems.add(Problem.warning(ref, source, PROTOCOL_NOT_SUPPORTED,
                        "SCTP is not supported by kubeway; port " + which + " is not proxied"));
            }
        }
        return problems;
    }
}
