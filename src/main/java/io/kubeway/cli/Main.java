package io.kubeway.cli;

import io.kubeway.echo.EchoCommand;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || !RunCommand.isRunning()) {
            System.exit(code);
        }
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
