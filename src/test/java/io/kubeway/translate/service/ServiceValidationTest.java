package io.kubeway.translate.service;

import static io.kubeway.translate.service.TestServices.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubeway.core.FieldError;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;

/**
 * Create validation of a manifest after defaulting, as {@code kubectl apply} sees it: metadata, type,
 * ports, session affinity and selector. Addresses and traffic fields are in
 * {@link ServiceValidationAddressTest}.
 */
class ServiceValidationTest {
    record Case(String name, Consumer<Service> manifest, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case ok(String name, Consumer<Service> manifest) {
        return new Case(name, manifest, List.of());
    }

    static Case bad(String name, Consumer<Service> manifest, String... expected) {
        return new Case(name, manifest, List.of(expected));
    }

    static Stream<Case> cases() {
        return Stream.of(
                ok("the base manifest", s -> { }),
                ok("a NodePort with a chosen nodePort", s -> {
                    type(s, "NodePort");
                    port(s, 0).setNodePort(30080);
                }),
                ok("several named ports", s -> ports(s, port("http", 80, 8080), port("https", 443, 8443))),
                ok("one port number over TCP and UDP", s -> ports(s, port("dns", 53, "TCP"), port("dns-udp", 53, "UDP"))),
                ok("SCTP is a valid protocol", s -> port(s, 0).setProtocol("SCTP")),
                ok("a named targetPort", s -> port(s, 0).setTargetPort(new IntOrString("web-http"))),
                ok("an unset targetPort takes the port", s -> port(s, 0).setTargetPort(null)),
                ok("a port name longer than 15 characters (names are DNS labels, not IANA names)",
                        s -> port(s, 0).setName("http-for-the-public-site")),
                ok("appProtocol kubernetes.io/h2c", s -> port(s, 0).setAppProtocol("kubernetes.io/h2c")),
                ok("ClientIP affinity with the default timeout", s -> s.getSpec().setSessionAffinity("ClientIP")),
                ok("ClientIP affinity timeout 86400", s -> clientIpTimeout(s, 86400)),
                ok("sessionAffinityConfig with None is dropped by defaulting", s -> {
                    clientIpTimeout(s, 60);
                    s.getSpec().setSessionAffinity("None");
                }),
                ok("a generateName that ends with a dash", s -> s.getMetadata().setGenerateName("web-")),
                ok("annotation keys are checked in lower case", s -> annotate(s, "Example.COM/Owner", "x")),
                ok("a namespace", s -> s.getMetadata().setNamespace("team-a")),

                bad("no name", s -> s.getMetadata().setName(null),
                        "metadata.name: Required value: name or generateName is required"),
                bad("a name starting with a digit", s -> s.getMetadata().setName("1web"),
                        "metadata.name: Invalid value: \"1web\": " + DNS1035),
                bad("an upper-case name", s -> s.getMetadata().setName("Web"),
                        "metadata.name: Invalid value: \"Web\": " + DNS1035),
                bad("a name with dots", s -> s.getMetadata().setName("web.site"),
                        "metadata.name: Invalid value: \"web.site\": " + DNS1035),
                bad("a name of 64 characters", s -> s.getMetadata().setName("a".repeat(64)),
                        "metadata.name: Invalid value: \"" + "a".repeat(64) + "\": must be no more than 63 characters"),
                bad("a bad generateName", s -> s.getMetadata().setGenerateName("Web-"),
                        "metadata.generateName: Invalid value: \"Web-\": " + DNS1035),
                bad("a namespace with an underscore", s -> s.getMetadata().setNamespace("team_a"),
                        "metadata.namespace: Invalid value: \"team_a\": " + DNS1123_LABEL),
                bad("a namespace with dots", s -> s.getMetadata().setNamespace("team.a"),
                        "metadata.namespace: Invalid value: \"team.a\": must not contain dots"),
                bad("a label key starting with a dash", s -> s.getMetadata().getLabels().put("-app", "web"),
                        "metadata.labels: Invalid value: \"-app\": " + QUALIFIED_NAME_PART),
                bad("a label key with an empty prefix", s -> s.getMetadata().getLabels().put("/app", "web"),
                        "metadata.labels: Invalid value: \"/app\": prefix part must be non-empty"),
                bad("a label value with a space", s -> s.getMetadata().getLabels().put("tier", "front end"),
                        "metadata.labels: Invalid value: \"front end\": " + LABEL_VALUE),
                bad("a label value of 64 characters", s -> s.getMetadata().getLabels().put("tier", "a".repeat(64)),
                        "metadata.labels: Invalid value: \"" + "a".repeat(64) + "\": must be no more than 63 bytes"),
                bad("an annotation key with two slashes", s -> annotate(s, "a/b/c", "x"),
                        "metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of"
                                + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
                                + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex"
                                + " used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an"
                                + " optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                bad("annotations over 256 KiB", s -> annotate(s, "blob", "x".repeat(256 * 1024)),
                        "metadata.annotations: Too long: may not be more than 262144 bytes"),
                bad("topology annotations that disagree", s -> {
                    annotate(s, "service.kubernetes.io/topology-mode", "Auto");
                    annotate(s, "service.kubernetes.io/topology-aware-hints", "auto");
                }, "metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: \"Auto\": must match"
                        + " annotations[service.kubernetes.io/topology-aware-hints] when both are specified"),

                bad("an unknown type", s -> type(s, "Ingress"),
                        "spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\","
                                + " \"LoadBalancer\", \"NodePort\""),
                bad("a type in lower case", s -> type(s, "nodeport"),
                        "spec.type: Unsupported value: \"nodeport\": supported values: \"ClusterIP\", \"ExternalName\","
                                + " \"LoadBalancer\", \"NodePort\""),

                bad("no ports", s -> ports(s), "spec.ports: Required value"),
                bad("an unnamed port among two", s -> ports(s, port("http", 80, 8080), port("", 443, 8443)),
                        "spec.ports[1].name: Required value"),
                bad("an upper-case port name", s -> port(s, 0).setName("HTTP"),
                        "spec.ports[0].name: Invalid value: \"HTTP\": " + DNS1123_LABEL),
                bad("a port name with a dot", s -> port(s, 0).setName("web.http"),
                        "spec.ports[0].name: Invalid value: \"web.http\": must not contain dots"),
                bad("two ports with one name", s -> ports(s, port("http", 80, 8080), port("http", 81, 8081)),
                        "spec.ports[1].name: Duplicate value: \"http\""),
                bad("port 0", s -> port(s, 0).setPort(0), "spec.ports[0].port: Invalid value: 0: " + PORT_RANGE),
                bad("port 65536", s -> port(s, 0).setPort(65536),
                        "spec.ports[0].port: Invalid value: 65536: " + PORT_RANGE),
                bad("no port number", s -> {
                    port(s, 0).setPort(null);
                    port(s, 0).setTargetPort(null);
                }, "spec.ports[0].port: Invalid value: 0: " + PORT_RANGE,
                        "spec.ports[0].targetPort: Invalid value: 0: " + PORT_RANGE),
                bad("a null port entry reads as an empty port", s -> s.getSpec().getPorts().add(null),
                        "spec.ports[1].name: Required value",
                        "spec.ports[1].port: Invalid value: 0: " + PORT_RANGE,
                        "spec.ports[1].targetPort: Invalid value: 0: " + PORT_RANGE),
                bad("a lower-case protocol", s -> port(s, 0).setProtocol("tcp"),
                        "spec.ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\""),
                bad("targetPort 70000", s -> port(s, 0).setTargetPort(new IntOrString(70000)),
                        "spec.ports[0].targetPort: Invalid value: 70000: " + PORT_RANGE),
                bad("a numeric targetPort written as a string", s -> port(s, 0).setTargetPort(new IntOrString("8080")),
                        "spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)"),
                bad("a targetPort name breaking three IANA rules",
                        s -> port(s, 0).setTargetPort(new IntOrString("HTTP-SERVER-PORT")),
                        "spec.ports[0].targetPort: Invalid value: \"HTTP-SERVER-PORT\": must be no more than 15 characters",
                        "spec.ports[0].targetPort: Invalid value: \"HTTP-SERVER-PORT\": must contain only alpha-numeric"
                                + " characters (a-z, 0-9), and hyphens (-)",
                        "spec.ports[0].targetPort: Invalid value: \"HTTP-SERVER-PORT\": must contain at least one letter (a-z)"),
                bad("a targetPort name with two hyphens in a row", s -> port(s, 0).setTargetPort(new IntOrString("web--http")),
                        "spec.ports[0].targetPort: Invalid value: \"web--http\": must not contain consecutive hyphens"),
                bad("a targetPort name ending with a hyphen", s -> port(s, 0).setTargetPort(new IntOrString("web-")),
                        "spec.ports[0].targetPort: Invalid value: \"web-\": must not begin or end with a hyphen"),
                bad("a bad appProtocol", s -> port(s, 0).setAppProtocol("h2c!"),
                        "spec.ports[0].appProtocol: Invalid value: \"h2c!\": " + QUALIFIED_NAME_PART),
                bad("one protocol and port twice", s -> ports(s, port("http", 80, 8080), port("web", 80, 8081)),
                        "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\","
                                + " AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0,"
                                + " StrVal:\"\"}, NodePort:0}"),
                bad("a nodePort on a ClusterIP Service", s -> port(s, 0).setNodePort(30080),
                        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
                bad("one nodePort for two TCP ports", s -> {
                    type(s, "NodePort");
                    ports(s, port("http", 80, 8080), port("https", 443, 8443));
                    port(s, 0).setNodePort(30080);
                    port(s, 1).setNodePort(30080);
                }, "spec.ports[1].nodePort: Duplicate value: 30080"),
                ok("one nodePort for TCP and UDP", s -> {
                    type(s, "NodePort");
                    ports(s, port("dns", 53, "TCP"), port("dns-udp", 53, "UDP"));
                    port(s, 0).setNodePort(30053);
                    port(s, 1).setNodePort(30053);
                }),
                // Range and availability of nodePorts are the allocator's checks (30000-32767 by default).
                ok("a nodePort outside the node port range", s -> {
                    type(s, "NodePort");
                    port(s, 0).setNodePort(80);
                }),

                bad("an unknown session affinity", s -> s.getSpec().setSessionAffinity("Cookie"),
                        "spec.sessionAffinity: Unsupported value: \"Cookie\": supported values: \"ClientIP\", \"None\""),
                bad("ClientIP timeout 0", s -> clientIpTimeout(s, 0),
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0"
                                + " and less than 86400"),
                bad("ClientIP timeout 86401", s -> clientIpTimeout(s, 86401),
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0"
                                + " and less than 86400"),
                bad("a selector value with a slash", s -> s.getSpec().getSelector().put("app", "web/v2"),
                        "spec.selector: Invalid value: \"web/v2\": " + LABEL_VALUE),

                bad("several errors, in upstream's order", s -> {
                    s.getMetadata().setName("Web");
                    port(s, 0).setPort(0);
                    type(s, "Ingress");
                    s.getSpec().setTrafficDistribution("Nearby");
                }, "metadata.name: Invalid value: \"Web\": " + DNS1035,
                        "spec.ports[0].port: Invalid value: 0: " + PORT_RANGE,
                        "spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\","
                                + " \"LoadBalancer\", \"NodePort\"",
                        "spec.trafficDistribution: Unsupported value: \"Nearby\": supported values: \"PreferClose\","
                                + " \"PreferSameZone\", \"PreferSameNode\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validatesTheDefaultedManifest(Case c) {
        List<FieldError> errors = ServiceValidation.validate(ServiceDefaults.apply(manifest(c.manifest())));
        assertThat(errors).extracting(FieldError::message).containsExactlyElementsOf(c.expected());
    }

    /** The message from {@code kubectl create svc clusterip two-ports --tcp 80:80,443,443}, verbatim. */
    @Test
    void reproducesAnApiServerMessage() {
        Service svc = manifest(s -> {
            s.getMetadata().setName("two-ports");
            ports(s, port("80-80", 80, 80), port("443", 443, 443), port("443", 443, 443));
        });
        List<FieldError> errors = ServiceValidation.validate(ServiceDefaults.apply(svc));
        Problem problem = Problem.invalid(new ObjectRef("Service", "default", "two-ports"), null, errors);
        assertThat(problem.message()).isEqualTo("Service \"two-ports\" is invalid: [spec.ports[2].name: Duplicate"
                + " value: \"443\", spec.ports[2]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\","
                + " AppProtocol:(*string)(nil), Port:443, TargetPort:intstr.IntOrString{Type:0, IntVal:0,"
                + " StrVal:\"\"}, NodePort:0}]");
    }

    @Test
    void validatesAManifestReadFromYaml() {
        Service svc = Serialization.unmarshal("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  type: NodePort
                  selector: {app: web}
                  ports:
                  - name: http
                    port: 80
                    targetPort: "8080"
                    nodePort: 30080
                  - port: 80
                    protocol: TCP
                """, Service.class);
        assertThat(ServiceValidation.validate(ServiceDefaults.apply(svc))).extracting(FieldError::message).containsExactly(
                "spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
                "spec.ports[1].name: Required value",
                "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil),"
                        + " Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
    }

    @Test
    void doesNotModifyItsArgument() {
        Service svc = ServiceDefaults.apply(manifest(s -> s.getMetadata().setName("Web")));
        Service before = ServiceDefaults.apply(manifest(s -> s.getMetadata().setName("Web")));
        ServiceValidation.validate(svc);
        assertThat(svc).isEqualTo(before);
    }
}
