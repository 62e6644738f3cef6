package io.kubeway.translate.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.kubeway.core.FieldError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The API server's IngressClass validation, message for message. */
class IngressClassValidationTest {
    private static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
            + "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private static final String PREFIXED = "must be a domain-prefixed path (such as \"acme.io/foo\")";

    record Case(String name, UnaryOperator<IngressClassBuilder> mutate, List<String> errors) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case c(String name, UnaryOperator<IngressClassBuilder> m, String... errors) {
        return new Case(name, m, List.of(errors));
    }

    private static UnaryOperator<IngressClassBuilder> controller(String value) {
        return b -> b.editSpec().withController(value).endSpec();
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("valid", b -> b),
                c("valid with namespaced parameters", b -> b.editSpec().withNewParameters().withApiGroup("k8s.example.com")
                        .withKind("IngressParameters").withName("external").withScope("Namespace")
                        .withNamespace("ingress").endParameters().endSpec()),
                c("parameters scope defaults to Cluster", b -> b.editSpec().withNewParameters().withKind("P")
                        .withName("p").endParameters().endSpec()),
                c("name", b -> b.editMetadata().withName("Kubeway").endMetadata(),
                        "metadata.name: Invalid value: \"Kubeway\": " + SUBDOMAIN),
                c("controller missing", b -> b.withSpec(null), "spec.controller: Required value"),
                c("controller without a domain", controller("kubeway"),
                        "spec.controller: Invalid value: \"kubeway\": " + PREFIXED),
                c("controller with nothing after the slash", controller("kubeway.io/"),
                        "spec.controller: Invalid value: \"kubeway.io/\": " + PREFIXED),
                c("controller domain not a subdomain", controller("Kubeway.IO/ingress"),
                        "spec.controller: Invalid value: \"Kubeway.IO\": " + SUBDOMAIN),
                c("controller path characters", controller("kubeway.io/in gress"),
                        "spec.controller: Invalid value: \"in gress\": Invalid path (regex used for validation is "
                                + "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"),
                c("controller too long", controller("kubeway.io/" + "x".repeat(240)),
                        "spec.controller: Too long: may not be more than 250 bytes"),
                c("parameters without kind and name", b -> b.editSpec().withNewParameters().endParameters().endSpec(),
                        "spec.parameters.kind: Required value", "spec.parameters.name: Required value"),
                c("parameters kind and name path segments", b -> b.editSpec().withNewParameters().withKind("a/b")
                                .withName("..").withApiGroup("Bad_Group").endParameters().endSpec(),
                        "spec.parameters.apiGroup: Invalid value: \"Bad_Group\": " + SUBDOMAIN,
                        "spec.parameters.kind: Invalid value: \"a/b\": may not contain '/'",
                        "spec.parameters.name: Invalid value: \"..\": may not be '..'"),
                c("Namespace scope needs a namespace", b -> b.editSpec().withNewParameters().withKind("P").withName("p")
                                .withScope("Namespace").endParameters().endSpec(),
                        "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"),
                c("Cluster scope forbids a namespace", b -> b.editSpec().withNewParameters().withKind("P").withName("p")
                                .withScope("Cluster").withNamespace("ingress").endParameters().endSpec(),
                        "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"),
                c("unknown scope", b -> b.editSpec().withNewParameters().withKind("P").withName("p")
                                .withScope("Global").endParameters().endSpec(),
                        "spec.parameters.scope: Unsupported value: \"Global\": supported values: \"Cluster\", "
                                + "\"Namespace\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate(Case c) {
        IngressClass ic = c.mutate.apply(new IngressClassBuilder().withNewMetadata().withName("kubeway").endMetadata()
                .withNewSpec().withController("kubeway.io/ingress-controller").endSpec()).build();
        assertThat(IngressClassValidation.validate(ic)).extracting(FieldError::message)
                .containsExactlyElementsOf(c.errors);
    }
}
