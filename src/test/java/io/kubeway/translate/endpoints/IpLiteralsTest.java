package io.kubeway.translate.endpoints;

import io.kubeway.core.IpLiterals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralsTest {
    /** Input, canonical form as Go prints it ("-" = not an IP). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "10.0.0.1|10.0.0.1",
            "010.000.0.01|10.0.0.1",          // ParseIPSloppy: leading zeros are decimal
            "255.255.255.255|255.255.255.255",
            "256.0.0.1|-",
            "1.2.3|-",
            "1.2.3.4.5|-",
            "1..2.3|-",
            "1.2.3.4 |-",
            "0001.2.3.4|-",
            "localhost|-",
            "example.com|-",
            "::1|::1",
            "::|::",
            "2001:DB8:0:0:0:0:0:1|2001:db8::1",
            "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1", // first of equally long zero runs
            "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1", // a single zero group is not compressed
            "fe80:0:0:0:0:0:0:0|fe80::",
            "::ffff:1.2.3.4|1.2.3.4",          // IPv4-mapped is IPv4, as in Go
            "fe80::1%eth0|-",                  // zones are not IPs here
            "[::1]|-",
            "1:2:3|-",
            "abcd|-",
    })
    void parsesAndPrints(String in, String expected) {
        InetAddress a = IpLiterals.parse(in);
        if ("-".equals(expected)) {
            assertThat(a).isNull();
        } else {
            assertThat(a).isNotNull();
            assertThat(IpLiterals.format(a)).isEqualTo(expected);
        }
    }
}
