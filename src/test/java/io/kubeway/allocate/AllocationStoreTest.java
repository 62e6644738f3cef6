package io.kubeway.allocate;

import io.kubeway.core.NamespacedName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllocationStoreTest {
    @TempDir
    Path dir;

    private static final Allocations SAMPLE = new Allocations(Map.of(
            new NamespacedName("default", "web"), new ServiceAllocation("uid-1", "2026-11-24T10:00:00Z",
                    List.of("127.96.0.10"), Map.of("TCP/80", 30080, "UDP/53", 30053), 30500, List.of("192.168.10.1")),
            new NamespacedName("kube-system", "dns"), new ServiceAllocation("uid-2", "2026-11-24T10:00:01Z",
                    List.of("None"), Map.of(), null, List.of())));

    @Test
    void roundTripsThroughANewDirectory() {
        Path state = dir.resolve("a/b");
        new AllocationStore(state).save(SAMPLE);
        assertThat(new AllocationStore(state).load()).isEqualTo(SAMPLE);
        try (var files = Files.list(state)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("allocations.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void missingFileIsEmpty() {
        assertThat(new AllocationStore(dir.resolve("none")).load()).isEqualTo(Allocations.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "", "[]", "{\"version\": 2, \"services\": {}}", "{\"services\": []}"})
    void corruptFileIsEmptyAndRewrittenOnTheNextSave(String content) throws IOException {
        Files.writeString(dir.resolve("allocations.json"), content);
        AllocationStore store = new AllocationStore(dir);
        assertThat(store.load()).isEqualTo(Allocations.empty());
        store.save(Allocations.empty());
        assertThat(new AllocationStore(dir).load()).isEqualTo(Allocations.empty());
        assertThat(Files.readString(dir.resolve("allocations.json"))).contains("\"version\" : 1");
    }

    @Test
    void malformedEntriesAreSkippedOthersKept() throws IOException {
        Files.writeString(dir.resolve("allocations.json"), """
                {"version": 1, "services": {
                  "default/good": {"uid": "u", "creationTimestamp": "t", "clusterIPs": ["10.0.0.1"],
                                   "nodePorts": {"TCP/80": 30080}, "loadBalancerIPs": []},
                  "default/bad-port": {"uid": "u", "creationTimestamp": "t", "nodePorts": {"TCP/80": "x"}},
                  "default/no-uid": {"creationTimestamp": "t"},
                  "no-slash": {"uid": "u", "creationTimestamp": "t"}
                }}
                """);
        Allocations loaded = new AllocationStore(dir).load();
        assertThat(loaded.services()).containsOnlyKeys(new NamespacedName("default", "good"));
        assertThat(loaded.services().get(new NamespacedName("default", "good")))
                .isEqualTo(new ServiceAllocation("u", "t", List.of("10.0.0.1"), Map.of("TCP/80", 30080), null, List.of()));
    }

    @Test
    void unchangedStateIsNotRewritten() throws IOException {
        AllocationStore store = new AllocationStore(dir);
        store.save(SAMPLE);
        Path file = dir.resolve("allocations.json");
        Files.writeString(file, "sentinel"); // would be overwritten by a real write
        store.save(new Allocations(Map.copyOf(SAMPLE.services()))); // equal content
        assertThat(Files.readString(file)).isEqualTo("sentinel");
        store.save(Allocations.empty());
        assertThat(new AllocationStore(dir).load()).isEqualTo(Allocations.empty());
    }

    @Test
    void loadedStateCountsAsWritten() throws IOException {
        new AllocationStore(dir).save(SAMPLE);
        AllocationStore restarted = new AllocationStore(dir);
        assertThat(restarted.load()).isEqualTo(SAMPLE);
        Path file = dir.resolve("allocations.json");
        Files.writeString(file, "sentinel");
        restarted.save(SAMPLE);
        assertThat(Files.readString(file)).isEqualTo("sentinel");
    }

    @Test
    void aFailedWriteThrowsAndKeepsTheOldFile() throws IOException {
        Path blocker = dir.resolve("file-not-dir");
        Files.writeString(blocker, "x");
        assertThatThrownBy(() -> new AllocationStore(blocker).save(SAMPLE)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("allocations.json");
    }
}
