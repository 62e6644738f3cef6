package io.kubeway.it;

import io.kubeway.StateDirLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Two Kubeways on one state directory: the second refuses to start and the first keeps serving. */
class StateDirLockIT {
    @TempDir
    Path tmp;

    @Test
    void aSecondServerOnTheSameStateDirRefusesToStartAndTheFirstKeepsServing() throws Exception {
        try (Harness first = new Harness(tmp, "127.105.0.0/16", "127.106.0.0/24");
             Harness second = new Harness(tmp, "127.105.0.0/16", "127.106.0.0/24")) {
            first.nodeAddresses = java.util.List.of();
            second.nodeAddresses = java.util.List.of();
            first.write("svc.yaml", """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web}
                    spec:
                      ports: [{port: 80}]
                    """);
            first.start();
            String clusterIp = first.service("web").getSpec().getClusterIP();

            assertThatThrownBy(second::start)
                    .isInstanceOf(StateDirLock.StateDirInUseException.class)
                    .hasMessageContaining(first.stateDir.toAbsolutePath().toString())
                    .hasMessageContaining("(PID " + ProcessHandle.current().pid() + ")");

            assertThat(first.server.view().ready()).isTrue();
            first.server.close();
            second.start(); // released on close; the allocation it kept is the same
            assertThat(second.service("web").getSpec().getClusterIP()).isEqualTo(clusterIp);
        }
    }
}
