package io.kubeway.cli;

import io.kubeway.dataplane.ConnectionLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection caps of {@code kubeway run}: flags given win, the others come from the fd limit. */
class RunCommandLimitsTest {
    @Test
    void defaultsAreSharesOfTheFdLimit() {
        assertThat(ConnectionLimits.forFdLimit(20_000)).isEqualTo(new ConnectionLimits(5_000, 1_250, 32));
        assertThat(ConnectionLimits.forFdLimit(1_024)).isEqualTo(new ConnectionLimits(256, 64, 32));
        assertThat(ConnectionLimits.forFdLimit(100)).isEqualTo(new ConnectionLimits(64, 16, 16));
        assertThat(ConnectionLimits.fdLimit()).isPositive();
    }

    @Test
    void flagsOverrideTheDefaults() {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs("-f", "x", "--max-client-connections", "7", "--max-upstream-connects", "3");
        assertThat(run.limits()).isEqualTo(new ConnectionLimits(7, 3, 3));
        RunCommand none = new RunCommand();
        new CommandLine(none).parseArgs("-f", "x", "--underscores-in-headers");
        assertThat(none.limits()).isEqualTo(ConnectionLimits.defaults());
        assertThat(none.underscoresInHeaders).isTrue();
    }
}
