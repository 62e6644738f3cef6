package io.kubeway.dataplane.proxy.l4;

import io.kubeway.core.Protocol;
import io.kubeway.state.ListenKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.BindException;
import java.util.stream.Stream;

import static io.kubeway.dataplane.proxy.TestNet.ip;
import static org.assertj.core.api.Assertions.assertThat;

class BindFailedExceptionTest {
    record Case(String name, Throwable cause, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("JDK", new BindException("Address already in use"), "Address already in use"),
                // Netty's NativeIoException messages, as epoll and io_uring word them
                new Case("native with errno", new IOException("bind(..) failed with error(-98): Address already in use"),
                        "Address already in use"),
                new Case("native without errno", new IOException("bind(..) failed: Cannot assign requested address"),
                        "Cannot assign requested address"),
                new Case("io_uring prefix", new IOException("io_uring bind(..) failed with error(-13): Permission denied"),
                        "Permission denied"),
                new Case("plain text kept", new IllegalStateException("something odd: here"), "something odd: here"),
                new Case("no message", new BindException(), "BindException"),
                new Case("no cause", null, "unknown error"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void reason(Case c) {
        assertThat(BindFailedException.reason(c.cause())).isEqualTo(c.reason());
    }

    @Test
    void messageNamesTheKey() {
        ListenKey key = new ListenKey(ip("127.96.0.1"), 80, Protocol.TCP);
        assertThat(new BindFailedException(key, new BindException("Address already in use")))
                .hasMessage("bind 127.96.0.1:80/TCP: Address already in use");
    }
}
