package io.kubeway.translate.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ClientIPConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.SessionAffinityConfig;

/** Fixtures: a valid manifest, mutators that read like the YAML they change, and an "allocated" copy. */
final class TestServices {
    /** The message text upstream builds for each format, written out in full to catch any drift. */
    static final String DNS1035 = "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
            + " start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', "
            + " or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    static final String DNS1123_LABEL = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
            + " characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', "
            + " or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    static final String DNS1123_SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case"
            + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'example.com', regex used for validation is"
            + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    static final String QUALIFIED_NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or"
            + " '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name', "
            + " or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    static final String LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric"
            + " characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
            + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
            + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    static final String BAD_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    static final String BAD_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
    static final String PORT_RANGE = "must be between 1 and 65535, inclusive";
    static final String LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

    private TestServices() {
    }

    /** web: selector app=web, one port http 80 -> 8080; valid once defaulted. */
    static Service manifest() {
        return new ServiceBuilder()
                .withNewMetadata().withName("web").addToLabels("app", "web").endMetadata()
                .withNewSpec()
                .addToSelector("app", "web")
                .addToPorts(port("http", 80, 8080))
                .endSpec()
                .build();
    }

    static Service manifest(Consumer<Service> change) {
        Service svc = manifest();
        change.accept(svc);
        return svc;
    }

    static ServicePort port(String name, int port, int targetPort) {
        ServicePort p = new ServicePort();
        p.setName(name);
        p.setPort(port);
        p.setTargetPort(new IntOrString(targetPort));
        return p;
    }

    static ServicePort port(String name, int port, String protocol) {
        ServicePort p = port(name, port, port);
        p.setProtocol(protocol);
        return p;
    }

    static ServiceSpec spec(Service svc) {
        return svc.getSpec();
    }

    static ServicePort port(Service svc, int index) {
        return svc.getSpec().getPorts().get(index);
    }

    static void ports(Service svc, ServicePort... ports) {
        svc.getSpec().setPorts(new ArrayList<>(List.of(ports)));
    }

    static void type(Service svc, String type) {
        svc.getSpec().setType(type);
    }

    static void clusterIPs(Service svc, String clusterIP, String... clusterIPs) {
        svc.getSpec().setClusterIP(clusterIP);
        svc.getSpec().setClusterIPs(new ArrayList<>(List.of(clusterIPs)));
    }

    static void clientIpTimeout(Service svc, Integer seconds) {
        svc.getSpec().setSessionAffinity("ClientIP");
        svc.getSpec().setSessionAffinityConfig(new SessionAffinityConfig(new ClientIPConfig(seconds)));
    }

    static void annotate(Service svc, String key, String value) {
        svc.getMetadata().getAnnotations().put(key, value);
    }

    /**
     * What Kubeway's allocator would store after accepting {@code manifest}: defaulted, with
     * clusterIP 10.96.0.10 (IPv4), nodePorts from 30080 for NodePort and LoadBalancer, and
     * healthCheckNodePort 30999 for LoadBalancer with externalTrafficPolicy Local.
     */
    static Service allocated(Service manifest) {
        Service svc = ServiceDefaults.apply(manifest);
        ServiceSpec spec = svc.getSpec();
        if (!"ExternalName".equals(spec.getType())) {
            if (spec.getClusterIPs().isEmpty()) {
                clusterIPs(svc, "10.96.0.10", "10.96.0.10");
            }
            if (spec.getIpFamilies().isEmpty()) {
                spec.setIpFamilies(new ArrayList<>(List.of("IPv4")));
            }
        }
        if ("NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType())) {
            int next = 30080;
            for (ServicePort p : spec.getPorts()) {
                if (p.getNodePort() == null) {
                    p.setNodePort(next++);
                }
            }
        }
        if ("LoadBalancer".equals(spec.getType()) && "Local".equals(spec.getExternalTrafficPolicy())
                && spec.getHealthCheckNodePort() == null) {
            spec.setHealthCheckNodePort(30999);
        }
        return svc;
    }
}
