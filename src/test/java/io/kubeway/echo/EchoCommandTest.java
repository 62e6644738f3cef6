package io.kubeway.echo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EchoCommandTest {
    record Case(String text, InetSocketAddress address, String error) {
        @Override
        public String toString() {
            return text;
        }
    }

    static Stream<Case> cases() throws UnknownHostException {
        return Stream.of(
                new Case("127.0.0.1:8080", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080), null),
                new Case("[::1]:80", new InetSocketAddress(InetAddress.getByName("::1"), 80), null),
                new Case(":9000", new InetSocketAddress(9000), null),
                new Case("127.0.0.1", null, "expected ADDR:PORT"),
                new Case("::1:80", null, "brackets"),
                new Case("127.0.0.1:http", null, "bad port"),
                new Case("127.0.0.1:70000", null, "out of range"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parsesListenAddresses(Case c) {
        if (c.error() == null) {
            assertThat(EchoCommand.parseAddress(c.text())).isEqualTo(c.address());
        } else {
            assertThatThrownBy(() -> EchoCommand.parseAddress(c.text()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(c.error());
        }
    }

    @Test
    void servesUntilStopped() throws Exception {
        StringWriter out = new StringWriter();
        EchoCommand command = new EchoCommand();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
        cli.parseArgs("--listen", "127.84.1.1:0", "--name", "demo");
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return command.serve(stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("listening"));
        Matcher m = Pattern.compile("echo demo listening on 127\\.84\\.1\\.1:(\\d+) \\(TCP and UDP\\)").matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        try (Socket s = new Socket("127.84.1.1", Integer.parseInt(m.group(1)))) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }

        stop.countDown();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void listenIsRequiredAndValidated() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EchoCommand()).setErr(new PrintWriter(err));
        assertThat(cli.execute()).isEqualTo(2);
        assertThat(err.toString()).contains("--listen");

        err.getBuffer().setLength(0);
        assertThat(cli.execute("--listen", "nonsense")).isEqualTo(2);
        assertThat(err.toString()).contains("--listen: expected ADDR:PORT");
    }
}
