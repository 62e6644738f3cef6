package io.kubeway.cli;

import io.kubeway.echo.EchoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kubeway} command line. */
@Command(name = "kubeway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes Services (ClusterIP, NodePort, LoadBalancer) for real traffic, from manifests.",
        subcommands = {RunCommand.class, GetCommand.class, EchoCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
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
