package io.kubeway.admin;

import io.kubeway.core.IpLiterals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class HostCheckTest {
    private static final InetAddress LOCAL = IpLiterals.of("192.0.2.7");

    @ParameterizedTest(name = "bound {0}, Host {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            127.0.0.1 | 127.0.0.1:10249       | true
            127.0.0.1 | 127.0.0.1             | true
            127.0.0.1 | 127.1.2.3:80          | true
            127.0.0.1 | [::1]:10249           | true
            127.0.0.1 | localhost:10249       | true
            127.0.0.1 | LOCALHOST.            | true
            127.0.0.1 | app.localhost         | true
            127.0.0.1 | evil.example          | false
            127.0.0.1 | evil.example:10249    | false
            127.0.0.1 | localhost.evil.example | false
            127.0.0.1 | 127.0.0.1.nip.io      | false
            127.0.0.1 | 192.0.2.7:10249       | false
            127.0.0.1 | ''                    | false
            127.0.0.1 | ::1                   | true
            192.0.2.7 | 192.0.2.7:10249       | true
            192.0.2.7 | 192.0.2.8:10249       | false
            0.0.0.0   | 192.0.2.7:10249       | true
            0.0.0.0   | 192.0.2.9:10249       | false
            0.0.0.0   | evil.example          | false
            """)
    void answersOnlyLoopbackAndItsOwnAddress(String bound, String host, boolean allowed) {
        HostCheck check = new HostCheck(IpLiterals.of(bound), LOCAL::equals);

        assertThat(check.allows(host, false)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"true, true", "false, false"})
    void aMissingHostPassesOnlyInHttp10(boolean http10, boolean allowed) {
        assertThat(new HostCheck(IpLiterals.of("127.0.0.1")).allows(null, http10)).isEqualTo(allowed);
    }
}
