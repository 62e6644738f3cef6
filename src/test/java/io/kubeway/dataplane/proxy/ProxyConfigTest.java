package io.kubeway.dataplane.proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyConfigTest {
    record Invalid(String name, Runnable make, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void defaults() {
        assertThat(ProxyConfig.defaults())
                .isEqualTo(new ProxyConfig(0, Duration.ofSeconds(5), Duration.ofSeconds(30), "auto"));
        assertThat(new ProxyConfig(1, Duration.ofSeconds(1), Duration.ofSeconds(1), "IO_URING").transport())
                .isEqualTo("io_uring");
    }

    static Stream<Invalid> invalid() {
        Duration s = Duration.ofSeconds(1);
        return Stream.of(
                new Invalid("negative threads", () -> new ProxyConfig(-1, s, s, "auto"), "workerThreads"),
                new Invalid("zero connect timeout", () -> new ProxyConfig(0, Duration.ZERO, s, "auto"), "connectTimeout"),
                new Invalid("negative idle timeout", () -> new ProxyConfig(0, s, s.negated(), "auto"), "udpIdleTimeout"),
                new Invalid("unknown transport", () -> new ProxyConfig(0, s, s, "kqueue"), "transport"));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejects(Invalid c) {
        assertThatThrownBy(c.make()::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.message());
    }
}
