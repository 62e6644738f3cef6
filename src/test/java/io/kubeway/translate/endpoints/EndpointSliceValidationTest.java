package io.kubeway.translate.endpoints;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kubeway.core.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.kubeway.translate.endpoints.Fixtures.endpoint;
import static io.kubeway.translate.endpoints.Fixtures.port;
import static io.kubeway.translate.endpoints.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

class EndpointSliceValidationTest {
    private static EndpointSlice valid(UnaryOperator<EndpointSliceBuilder> m) {
        EndpointSlice base = slice("svc1-abcde", "IPv4", List.of(port("http", 8080, "TCP")),
                List.of(endpoint("10.0.0.1", true, true, false, "node-a")));
        return m.apply(new EndpointSliceBuilder(base)).build();
    }

    private static Endpoint addr(String... ips) {
        return new EndpointBuilder().withAddresses(ips).build();
    }

    /** @param expected the messages, as the API server prints them */
    record Case(String name, EndpointSlice slice, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Endpoint> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) tooMany.add(addr("10.0." + (i / 250) + "." + (i % 250 + 1)));
        return Stream.of(
                new Case("valid", valid(b -> b), List.of()),
                new Case("valid FQDN slice", valid(b -> b.withAddressType("FQDN").withEndpoints(addr("db.example.com."))),
                        List.of()),
                new Case("valid IPv6, nil port, defaulted name and protocol", valid(b -> b.withAddressType("IPv6")
                        .withEndpoints(addr("2001:db8::1")).withPorts(port(null, null, null))), List.of()),
                new Case("missing name", valid(b -> b.editMetadata().withName(null).endMetadata()),
                        List.of("metadata.name: Required value: name or generateName is required")),
                new Case("missing addressType", valid(b -> b.withAddressType(null)),
                        List.of("addressType: Required value")),
                new Case("unknown addressType", valid(b -> b.withAddressType("IP")),
                        List.of("addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"")),
                new Case("no addresses", valid(b -> b.withEndpoints(addr())),
                        List.of("endpoints[0].addresses: Required value: must contain at least 1 address")),
                new Case("IPv6 address in an IPv4 slice", valid(b -> b.withEndpoints(addr("2001:db8::1"))),
                        List.of("endpoints[0].addresses[0]: Invalid value: \"2001:db8::1\": must be a valid IPv4 address")),
                new Case("not an IP at all", valid(b -> b.withEndpoints(addr("10.0.0.256"))), List.of(
                        "endpoints[0].addresses[0]: Invalid value: \"10.0.0.256\": must be a valid IPv4 address",
                        "endpoints[0].addresses[0]: Invalid value: \"10.0.0.256\": must be a valid IP address")),
                new Case("special IPs", valid(b -> b.withEndpoints(addr("0.0.0.0", "127.0.0.1", "169.254.1.1",
                        "224.0.0.5"))), List.of(
                        "endpoints[0].addresses[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
                        "endpoints[0].addresses[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range"
                                + " (127.0.0.0/8, ::1/128)",
                        "endpoints[0].addresses[2]: Invalid value: \"169.254.1.1\": may not be in the link-local range"
                                + " (169.254.0.0/16, fe80::/10)",
                        "endpoints[0].addresses[3]: Invalid value: \"224.0.0.5\": may not be in the link-local"
                                + " multicast range (224.0.0.0/24, ff02::/10)")),
                new Case("bad FQDN", valid(b -> b.withAddressType("FQDN").withEndpoints(addr("localhost"))),
                        List.of("endpoints[0].addresses[0]: Invalid value: \"localhost\": should be a domain with at"
                                + " least two segments separated by dots")),
                new Case("more than 1000 endpoints", valid(b -> b.withEndpoints(tooMany)),
                        List.of("endpoints: Too many: 1001: must have at most 1000 items")),
                new Case("bad hostname and nodeName", valid(b -> b.withEndpoints(new EndpointBuilder()
                        .withAddresses("10.0.0.1").withHostname("Host_1").withNodeName("Node_A").build())), List.of(
                        "endpoints[0].nodeName: Invalid value: \"Node_A\": a lowercase RFC 1123 subdomain must consist"
                                + " of lower case alphanumeric characters, '-' or '.', and must start and end with an"
                                + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                        "endpoints[0].hostname: Invalid value: \"Host_1\": a lowercase RFC 1123 label must consist of"
                                + " lower case alphanumeric characters or '-', and must start and end with an"
                                + " alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation"
                                + " is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")),
                new Case("duplicate zone hint", valid(b -> b.withEndpoints(new EndpointBuilder()
                        .withAddresses("10.0.0.1").withNewHints().addNewForZone("a").addNewForZone("a").endHints()
                        .build())), List.of("endpoints[0].hints.forZones[1].name: Duplicate value: \"a\"")),
                new Case("port problems", valid(b -> b.withPorts(port("http", 80, "TCP"), port("http", 0, "HTTP"),
                        port("Bad", 70000, "UDP"))), List.of(
                        "ports[1].name: Duplicate value: \"http\"",
                        "ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                        "ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                        "ports[2].name: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case"
                                + " alphanumeric characters or '-', and must start and end with an alphanumeric"
                                + " character (e.g. 'my-name',  or '123-abc', regex used for validation is"
                                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                        "ports[2].port: Invalid value: 70000: must be between 1 and 65535, inclusive")),
                new Case("bad appProtocol", valid(b -> b.editFirstPort().withAppProtocol("a/b/c").endPort()),
                        List.of("ports[0].appProtocol: Invalid value: \"a/b/c\": a qualified name must consist of"
                                + " alphanumeric characters, '-', '_' or '.', and must start and end with an"
                                + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for"
                                + " validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS"
                                + " subdomain prefix and '/' (e.g. 'example.com/MyName')")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void validates(Case c) {
        assertThat(EndpointSliceValidation.validate(c.slice)).extracting(FieldError::message)
                .containsExactlyElementsOf(c.expected);
    }

    @Test
    void loopbackCanBeAllowedForStandaloneBackends() {
        EndpointSlice s = valid(b -> b.withEndpoints(addr("127.0.0.2")));
        assertThat(EndpointSliceValidation.validate(s)).hasSize(1);
        assertThat(EndpointSliceValidation.validate(s, true)).isEmpty();
        EndpointSlice v6 = valid(b -> b.withAddressType("IPv6").withEndpoints(addr("::1")));
        assertThat(EndpointSliceValidation.validate(v6, true)).isEmpty();
    }

    @Test
    void ownerServiceComesFromTheServiceNameLabel() {
        assertThat(EndpointSliceValidation.ownerService(valid(b -> b))).isEqualTo("svc1");
        assertThat(EndpointSliceValidation.ownerService(valid(b -> b.editMetadata().withLabels(Map.of())
                .endMetadata()))).isNull();
        assertThat(EndpointSliceValidation.ownerService(valid(b -> b.editMetadata()
                .withLabels(Map.of(EndpointSliceLabels.SERVICE_NAME, "")).endMetadata()))).isNull();
    }
}
