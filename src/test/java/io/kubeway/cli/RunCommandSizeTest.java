package io.kubeway.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --max-manifest-size}: Kubernetes' binary suffixes, a plain byte count, and a clear refusal. */
class RunCommandSizeTest {
    @Test
    void parsesBinarySuffixesAndBytes() {
        assertThat(RunCommand.parseSize("8Mi")).isEqualTo(8L << 20);
        assertThat(RunCommand.parseSize("512Ki")).isEqualTo(512L << 10);
        assertThat(RunCommand.parseSize("1Gi")).isEqualTo(1L << 30);
        assertThat(RunCommand.parseSize("1048576")).isEqualTo(1L << 20);
        assertThatThrownBy(() -> RunCommand.parseSize("8MB")).hasMessageContaining("expected a size such as 8Mi");
    }

    @Test
    void defaultsToEightMebibytes() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("-f", "x");
        assertThat(RunCommand.parseSize(run.maxManifestSize)).isEqualTo(8L << 20);
    }
}
