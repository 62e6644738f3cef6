package io.kubeway.cli;

import sun.misc.Signal;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * How {@code kubeway run} stops: on SIGINT (Ctrl-C) or SIGTERM it prints one line, closes the server (listeners,
 * connections, the state-dir lock) and exits with status 0, since a stop the user asked for that completed is a
 * success (systemd and Kubernetes count a non-zero status, such as the JVM's default 130/143, as a failure). A
 * second signal while stopping halts at once with the conventional 128 + signal number. Anything else that ends
 * the JVM still closes the server through a shutdown hook.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly this use): a shutdown hook alone
 * cannot tell which signal arrived, nor choose the exit status.
 */
final class StopSignals {
    private StopSignals() {
    }

    static void install(Runnable close) {
        install(close, System.err);
    }

    static void install(Runnable close, PrintStream err) {
        requireNonNull(close, "close");
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(close, "kubeway-shutdown"));
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (!stopping.compareAndSet(false, true)) {
                        Runtime.getRuntime().halt(128 + signal.getNumber());
                    }
                    if (signal.getName().equals("INT")) {
                        err.println(); // after the terminal's ^C
                    }
                    err.println("kubeway: stopping (SIG" + signal.getName() + ")");
                    err.flush();
                    int status = 0;
                    try {
                        close.run();
                    } catch (RuntimeException e) {
                        err.println("kubeway: error while stopping: " + e.getMessage());
                        status = 1;
                    }
                    System.exit(status);
                });
            } catch (IllegalArgumentException e) {
                // the JVM was started with -Xrs, or the signal is in use: the shutdown hook still closes
            }
        }
    }
}
