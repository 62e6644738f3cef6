package io.kubeway.echo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code kubeway echo --listen ADDR:PORT [--name NAME]}: runs an {@link EchoServer} until killed. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = {"Runs a demo backend on one address and port, TCP and UDP.",
                "HTTP/1.x requests get 200 and JSON describing the request (backend, method, path, host, headers, "
                        + "client); GET /bytes/N returns N bytes. Other TCP bytes and UDP datagrams are echoed back."})
public final class EchoCommand implements Callable<Integer> {
    @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT",
            description = "Address and port to listen on, e.g. 127.0.0.1:8080 or [::1]:8080.")
    String listen;

    @Option(names = "--name", paramLabel = "NAME", description = "Backend name in the JSON answers (default: the listen address).")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(); // let serve() close the sockets before the JVM goes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "echo-shutdown"));
        try {
            return serve(stop);
        } finally {
            stopped.countDown();
        }
    }

    /** Serves until {@code stop} opens; prints one line once listening. */
    int serve(CountDownLatch stop) throws InterruptedException {
        InetSocketAddress address;
        try {
            address = parseAddress(listen);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
        }
        try (EchoServer server = EchoServer.start(address, name != null ? name : listen)) {
            spec.commandLine().getOut().printf("echo %s listening on %s (TCP and UDP)%n",
                    server.name(), HttpEchoHandler.hostPort(server.address()));
            spec.commandLine().getOut().flush();
            stop.await();
        }
        return 0;
    }

    /** Parses {@code 127.0.0.1:8080}, {@code [::1]:8080} or {@code :8080} (all addresses). */
    static InetSocketAddress parseAddress(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("expected ADDR:PORT, got \"" + s + "\"");
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in \"" + s + "\"");
        }
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range in \"" + s + "\"");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (host.indexOf(':') >= 0) throw new IllegalArgumentException("put IPv6 addresses in brackets: \"" + s + "\"");
        if (host.isEmpty()) return new InetSocketAddress(port);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host \"" + host + "\"");
        }
    }
}
