package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.kubeway.core.FieldError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The API server's Ingress validation, message for message. */
class IngressValidationTest {
    private static final String P0 = "spec.rules[0].http.paths[0]";
    private static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
            + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private static final String WILDCARD = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid "
            + "DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an "
            + "alphanumeric character (e.g. '*.example.com', regex used for validation is "
            + "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    record Case(String name, String pathType, String path, UnaryOperator<IngressBuilder> mutate, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, UnaryOperator<IngressBuilder> m, String... errors) {
        return new Case(name, "Prefix", "/", m, List.of(errors));
    }

    private static Case path(String type, String path, String... errors) {
        return new Case(type + " " + path, type, path, b -> b, List.of(errors));
    }

    private static UnaryOperator<IngressBuilder> host(String host) {
        return b -> b.editSpec().editFirstRule().withHost(host).endRule().endSpec();
    }

    private static UnaryOperator<IngressBuilder> backend(UnaryOperator<IngressBackendBuilder> m) {
        return b -> b.editSpec().editFirstRule().editHttp().editFirstPath()
                .withBackend(m.apply(new IngressBackendBuilder(b.buildSpec().getRules().get(0).getHttp().getPaths()
                        .get(0).getBackend())).build())
                .endPath().endHttp().endRule().endSpec();
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("valid", b -> b),
                c("name", b -> b.editMetadata().withName("App_1").endMetadata(),
                        "metadata.name: Invalid value: \"App_1\": " + SUBDOMAIN),
                c("host is an IP", host("10.0.0.1"),
                        "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"),
                c("host is an IPv6 address", host("::1"),
                        "spec.rules[0].host: Invalid value: \"::1\": must be a DNS name, not an IP address",
                        "spec.rules[0].host: Invalid value: \"::1\": " + SUBDOMAIN),
                c("host upper-case", host("App.example.com"),
                        "spec.rules[0].host: Invalid value: \"App.example.com\": " + SUBDOMAIN),
                c("wildcard host", host("*.example.com")),
                c("bare wildcard", host("*"), "spec.rules[0].host: Invalid value: \"*\": " + WILDCARD),
                c("wildcard not first", host("a.*.com"), "spec.rules[0].host: Invalid value: \"a.*.com\": " + WILDCARD),
                path("Prefix", "foo", P0 + ".path: Invalid value: \"foo\": must be an absolute path"),
                path("Exact", "", P0 + ".path: Invalid value: \"\": must be an absolute path"),
                path("Exact", "/a/../b", P0 + ".path: Invalid value: \"/a/../b\": must not contain '/../'"),
                path("Prefix", "/a//b/./c", P0 + ".path: Invalid value: \"/a//b/./c\": must not contain '//'",
                        P0 + ".path: Invalid value: \"/a//b/./c\": must not contain '/./'"),
                path("Prefix", "/a%2Fb", P0 + ".path: Invalid value: \"/a%2Fb\": must not contain '%2F'"),
                path("Prefix", "/a/..", P0 + ".path: Invalid value: \"/a/..\": cannot end with '/..'"),
                path("Exact", "/a/.", P0 + ".path: Invalid value: \"/a/.\": cannot end with '/.'"),
                path("ImplementationSpecific", ""),
                path("ImplementationSpecific", "/api(/|$)(.*)"),
                path("ImplementationSpecific", "api", P0 + ".path: Invalid value: \"api\": must be an absolute path"),
                path("Regex", "/", P0 + ".pathType: Unsupported value: \"Regex\": supported values: \"Exact\", "
                        + "\"ImplementationSpecific\", \"Prefix\""),
                c("pathType missing", b -> b.editSpec().editFirstRule().editHttp().editFirstPath().withPathType(null)
                        .endPath().endHttp().endRule().endSpec(),
                        P0 + ".pathType: Required value: pathType must be specified"),
                c("no paths", b -> b.editSpec().editFirstRule().editHttp().withPaths(List.of()).endHttp().endRule()
                        .endSpec(), "spec.rules[0].http.paths: Required value"),
                c("service and resource", backend(bb -> bb.withNewResource(null, "Bucket", "b")),
                        P0 + ".backend: Invalid value: \"\": cannot set both resource and service backends"),
                c("neither service nor resource", backend(bb -> bb.withService(null)),
                        P0 + ".backend: Invalid value: \"\": resource or service backend is required"),
                c("resource without kind and name", backend(bb -> bb.withService(null)
                        .withNewResource("Bad_Group", null, null)),
                        P0 + ".backend.resource.apiGroup: Invalid value: \"Bad_Group\": " + SUBDOMAIN,
                        P0 + ".backend.resource.kind: Required value",
                        P0 + ".backend.resource.name: Required value"),
                c("resource name with slash", backend(bb -> bb.withService(null)
                        .withNewResource(null, "K", "a/b")),
                        P0 + ".backend.resource.name: Invalid value: \"a/b\": may not contain '/'"),
                c("service name not DNS-1035", backend(bb -> bb.editService().withName("1web").endService()),
                        P0 + ".backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower "
                                + "case alphanumeric characters or '-', start with an alphabetic character, and end "
                                + "with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
                                + "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
                c("service name missing", backend(bb -> bb.editService().withName(null).endService()),
                        P0 + ".backend.service.name: Required value"),
                c("port name and number", backend(bb -> bb.editService().editPort().withName("http").endPort()
                        .endService()), P0 + ".backend: Invalid value: \"\": cannot set both port name & port number"),
                c("port missing", backend(bb -> bb.editService().withPort(null).endService()),
                        P0 + ".backend: Required value: port name or number is required"),
                c("port number out of range", backend(bb -> bb.editService().editPort().withNumber(70000).endPort()
                        .endService()), P0 + ".backend.service.port.number: Invalid value: 70000: must be between 1 "
                        + "and 65535, inclusive"),
                c("port name upper-case", backend(bb -> bb.editService().editPort().withNumber(null).withName("HTTP")
                        .endPort().endService()),
                        P0 + ".backend.service.port.name: Invalid value: \"HTTP\": must contain only alpha-numeric "
                                + "characters (a-z, 0-9), and hyphens (-)",
                        P0 + ".backend.service.port.name: Invalid value: \"HTTP\": must contain at least one letter "
                                + "(a-z)"),
                c("no rules, no default backend", b -> b.editSpec().withRules(List.of()).endSpec(),
                        "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` "
                                + "must be specified"),
                c("default backend only", b -> b.editSpec().withRules(List.of()).withNewDefaultBackend()
                        .withNewService().withName("web").withNewPort().withNumber(80).endPort().endService()
                        .endDefaultBackend().endSpec()),
                c("default backend invalid", b -> b.editSpec().withNewDefaultBackend().withNewService()
                        .withName("web").endService().endDefaultBackend().endSpec(),
                        "spec.defaultBackend: Required value: port name or number is required"),
                c("tls hosts and secret", b -> b.editSpec().addNewTl().withHosts("ok.example.com", "*.w.example.com",
                        "Bad.example.com", "*").withSecretName("Bad_Secret").endTl().endSpec(),
                        "spec.tls[0].hosts[2]: Invalid value: \"Bad.example.com\": " + SUBDOMAIN,
                        "spec.tls[0].hosts[3]: Invalid value: \"*\": " + WILDCARD,
                        "spec.tls[0].secretName: Invalid value: \"Bad_Secret\": " + SUBDOMAIN),
                c("ingressClassName", b -> b.editSpec().withIngressClassName("Kw").endSpec(),
                        "spec.ingressClassName: Invalid value: \"Kw\": " + SUBDOMAIN),
                c("class annotation differs from ingressClassName", b -> b.editMetadata()
                                .withAnnotations(Map.of("kubernetes.io/ingress.class", "other")).endMetadata()
                                .editSpec().withIngressClassName("kubeway").endSpec(),
                        "annotations.kubernetes.io/ingress.class: Invalid value: \"other\": must match "
                                + "`ingressClassName` when both are specified"),
                c("annotation key", b -> b.editMetadata().withAnnotations(Map.of("a/b/c", "x")).endMetadata(),
                        "metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an "
                                + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                                + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
                                + "subdomain prefix and '/' (e.g. 'example.com/MyName')"),
                c("namespace missing", b -> b.editMetadata().withNamespace(null).endMetadata(),
                        "metadata.namespace: Required value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate(Case c) {
        var ing = Fixtures.ingress("app", "app.example.com", c.pathType, c.path, c.mutate);
        assertThat(IngressValidation.validate(ing)).extracting(FieldError::message).containsExactlyElementsOf(c.errors);
    }
}
