package io.kubeway.cli;

import io.kubeway.echo.EchoCommand;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The {@code kubeway} command line. */
@Command(name = "kubeway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes Services (ClusterIP, NodePort, LoadBalancer) for real traffic, from manifests.",
        subcommands = {RunCommand.class, GetCommand.class, ManifestsCommand.class, EchoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        // Without sun.misc.Unsafe (Netty's default from JDK 25 on) every byte written into a direct buffer goes
        // through a ByteBuffer bounds check: HTTP header encoding, byte by byte, was 6% of the proxy's CPU. Heap
        // buffers for what codecs build, direct ones for socket I/O (Netty's ioBuffer), and one bulk copy
        // between them is cheaper. Set before any Netty class reads it; -Dio.netty.noPreferDirect=false undoes it.
        if (System.getProperty("io.netty.noPreferDirect") == null) System.setProperty("io.netty.noPreferDirect", "true");
        // Leak detection samples buffers on the hot path; a production proxy runs without it unless asked
        // (-Dio.netty.leakDetection.level=simple|advanced|paranoid; tests keep Netty's default).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The command line with kubeway's error handling: user errors as one message, never a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler(Main::failure);
    }

    /** A command line that does not parse: the error, a suggestion for a mistyped name, where help is. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("kubeway: " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A command that failed. Kubeway reports what the user can fix (a missing folder, a busy port, a bad value, a
     * state dir in use) as IllegalArgumentException, IllegalStateException or an I/O exception with a message
     * that names the thing: those print as one line. Anything else is a defect and keeps its stack trace.
     */
    private static int failure(Exception e, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof ParameterException p) {
            return usageError(p, new String[0]);
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException || e instanceof IOException) {
            err.println("kubeway: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        } else {
            err.println("kubeway: unexpected error (please report it):");
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kubeway " + (v == null ? "dev" : v)};
        }
    }
}
