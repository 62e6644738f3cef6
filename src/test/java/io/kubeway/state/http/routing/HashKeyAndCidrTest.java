package io.kubeway.state.http.routing;

import io.kubeway.core.IpLiterals;
import io.kubeway.testing.FakeRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HashKeyAndCidrTest {
    private static final FakeRequest REQ = FakeRequest.get("h.example.com", "/a/./b?user=42&Lang=en&x")
            .withHeader("X-Tenant", "t1").withCookie("sid", "abc").withClient("2001:db8::7");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "$request_uri | /a/./b?user=42&Lang=en&x",
            "$uri | /a/b",
            "$args | user=42&Lang=en&x",
            "$remote_addr | 2001:db8::7",
            "$host | h.example.com",
            "$request_method | GET",
            "$scheme | http",
            "$http_x_tenant | t1",
            "$http_x_missing | ''",
            "$cookie_sid | abc",
            "$arg_user | 42",
            "$arg_lang | en",
            "$arg_x | ''",
            "${host}:$arg_user | h.example.com:42",
            "tenant-$http_x_tenant-$cookie_sid | tenant-t1-abc",
    })
    void hashKeyEvaluation(String template, String expected) {
        assertThat(HashKey.parse(template).evaluate(REQ, "/a/b")).isEqualTo(expected);
    }

    static Stream<Arguments> hashKeyErrors() {
        return Stream.of(
                Arguments.of("", "empty upstream-hash-by"),
                Arguments.of("$", "'$' without a variable name in \"$\""),
                Arguments.of("${host", "unterminated ${ in \"${host\""),
                Arguments.of("$server_addr", "unsupported nginx variable $server_addr"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hashKeyErrors(String template, String message) {
        assertThatThrownBy(() -> HashKey.parse(template)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
            "10.0.0.0/8, 10.255.1.1, true",
            "10.0.0.0/8, 11.0.0.1, false",
            "10.1.2.3/8, 10.9.9.9, true",
            "192.168.1.7, 192.168.1.7, true",
            "192.168.1.7, 192.168.1.8, false",
            "0.0.0.0/0, 1.2.3.4, true",
            "0.0.0.0/0, ::1, false",
            "2001:db8::/32, 2001:db8:ffff::1, true",
            "2001:db8::/32, 2001:db9::1, false",
            "10.0.0.0/17, 10.0.127.255, true",
            "10.0.0.0/17, 10.0.128.0, false",
    })
    void cidrContains(String cidr, String ip, boolean expected) {
        assertThat(CidrBlock.parse(cidr).contains(IpLiterals.of(ip))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "10.1.2.3/8, 10.0.0.0/8",
            "' 192.168.0.1 ', 192.168.0.1/32",
            "2001:DB8::1/32, 2001:db8::/32",
    })
    void cidrCanonicalForm(String cidr, String expected) {
        assertThat(CidrBlock.parse(cidr)).hasToString(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "example.com", "::1/129"})
    void cidrErrors(String cidr) {
        assertThatThrownBy(() -> CidrBlock.parse(cidr)).hasMessage("invalid CIDR address: " + cidr);
    }
}
