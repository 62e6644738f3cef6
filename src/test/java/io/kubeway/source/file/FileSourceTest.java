package io.kubeway.source.file;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.SourcedObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FileSourceTest {
    private static final String SVC = """
            apiVersion: v1
            kind: Service
            metadata: {name: %s}
            spec:
              ports: [{port: 80}]
            """;

    @TempDir
    Path dir;
    FileSource source;
    final AtomicReference<ClusterSnapshot> last = new AtomicReference<>();

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private void start() {
        source = new FileSource(List.of(dir), Duration.ofHours(1)); // polled by hand below
        source.start(last::set);
    }

    private List<String> names() {
        return last.get().objects().stream().map(o -> o.object().getKind() + "/" + o.object().getMetadata().getNamespace()
                + "/" + o.object().getMetadata().getName()).toList();
    }

    @Test
    void readsMultiDocumentYamlJsonAndListsIntoTypedObjectsInPathOrder() throws IOException {
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("web") + "---\n" + """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: other}
                """);
        Files.writeString(dir.resolve("a.json"), """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "s"}, "addressType": "IPv4", "endpoints": []},
                  {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool", "metadata": {"name": "pool"}, "spec": {"addresses": ["10.0.0.0/24"]}}
                ]}
                """);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.yml"), SVC.formatted("deep"));
        Files.writeString(dir.resolve(".hidden.yaml"), SVC.formatted("hidden"));
        Files.writeString(dir.resolve("notes.txt"), "not a manifest");
        start();
        assertThat(names()).containsExactly("EndpointSlice/default/s", "IPAddressPool/default/pool",
                "Service/default/web", "Pod/other/p", "Service/default/deep");
        List<Object> types = last.get().objects().stream().map(SourcedObject::object).map(o -> (Object) o.getClass()).toList();
        assertThat(types).containsExactly(EndpointSlice.class, GenericKubernetesResource.class, Service.class, Pod.class, Service.class);
        assertThat(last.get().objects().get(2).source()).endsWith("b.yaml");
        assertThat(last.get().problems()).isEmpty();
    }

    @Test
    void brokenFileKeepsItsLastGoodObjectsAndNamesTheFile() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b"));
        start();
        assertThat(names()).containsExactly("Service/default/a", "Service/default/b");

        Files.writeString(dir.resolve("b.yaml"), "kind: Service\nmetadata: {name: [\n");
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/a", "Service/default/b");
        assertThat(last.get().problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("FailedToParse");
            assertThat(p.source()).endsWith("b.yaml");
            assertThat(p.message()).contains("b.yaml").contains("keeping its last good objects");
        });

        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b2"));
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/a", "Service/default/b2");
        assertThat(last.get().problems()).isEmpty();
    }

    @Test
    void newBrokenFileContributesNothingButAProblem() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        Files.writeString(dir.resolve("z.yaml"), "apiVersion: v1\nkind: Service\nspec: {}\n");
        start();
        assertThat(names()).containsExactly("Service/default/a");
        assertThat(last.get().problems()).extracting(Problem::message)
                .singleElement().asString().contains("z.yaml").contains("metadata.name: Required value");
    }

    @Test
    void seesEditsAndDeletionsAndSkipsUnchangedContent() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        start();
        ClusterSnapshot first = last.get();
        source.poll(false);
        assertThat(last.get()).isSameAs(first);

        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a")); // same bytes, new mtime
        source.poll(false);
        assertThat(last.get()).isSameAs(first);

        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("renamed"));
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/renamed");

        Files.delete(dir.resolve("a.yaml"));
        source.poll(false);
        assertThat(names()).isEmpty();
    }

    @Test
    void duplicateObjectTakenFromTheFirstFileWithAProblem() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("same"));
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("same"));
        start();
        assertThat(last.get().objects()).singleElement().satisfies(o -> assertThat(o.source()).endsWith("a.yaml"));
        assertThat(last.get().problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("Duplicate");
            assertThat(p.source()).endsWith("b.yaml");
        });
    }

    @Test
    void deeplyNestedYamlDoesNotStopTheWatcher() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        source = new FileSource(List.of(dir), Duration.ofMillis(20));
        source.start(last::set);
        Files.writeString(dir.resolve("deep.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + "[".repeat(100_000));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(last.get().problems())
                .anySatisfy(p -> assertThat(p.message()).contains("deep.yaml").contains("nested more than")));
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names()).contains("Service/default/b"));
        assertThat(source.stalled()).isEmpty();
    }

    @Test
    void anErrorThrownInAPollIsLoggedAndTheNextPollRuns() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        AtomicInteger calls = new AtomicInteger();
        source = new FileSource(List.of(dir), Duration.ofMillis(20));
        source.start(s -> {
            if (calls.incrementAndGet() == 2) {
                throw new StackOverflowError("thrown by the test");
            }
            last.set(s);
        });
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b")); // its snapshot is the one that throws
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names()).contains("Service/default/b"));
        Files.writeString(dir.resolve("c.yaml"), SVC.formatted("c"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names()).contains("Service/default/c"));
        assertThat(source.stalled()).isEmpty();
    }

    @Test
    void aPollThatHangsMakesTheSourceStalledNamingSinceWhen() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        source = new FileSource(List.of(dir), Duration.ofMillis(20), ManifestLimits.defaults(), Duration.ofMillis(300));
        source.start(s -> {
            if (calls.incrementAndGet() == 2) {
                try {
                    release.await(); // as a read on a hung file system would
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            last.set(s);
        });
        assertThat(source.stalled()).isEmpty();
        Files.writeString(dir.resolve("b.yaml"), SVC.formatted("b"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(source.stalled()).singleElement()
                .asString().contains("stuck in one poll since").contains(dir.toString()));
        release.countDown();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(source.stalled()).isEmpty());
    }

    @Test
    void aWatchedFolderThatCannotBeListedKeepsEveryObject() throws IOException {
        Path root = Files.createDirectories(dir.resolve("m"));
        Files.writeString(root.resolve("a.yaml"), SVC.formatted("a"));
        Files.writeString(root.resolve("b.yaml"), SVC.formatted("b"));
        source = new FileSource(List.of(root), Duration.ofHours(1));
        source.start(last::set);
        List<SourcedObject> before = last.get().objects();
        assertThat(names()).containsExactly("Service/default/a", "Service/default/b");

        Path away = Files.move(root, dir.resolve("m-away"));
        Files.createSymbolicLink(root, root.getFileName()); // ELOOP for everyone, root included
        source.poll(false);
        assertThat(last.get().objects()).as("the very same objects").containsExactlyElementsOf(before);
        assertThat(last.get().problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains(root.toString()).contains("symbolic links").contains("keeping the last good objects of 2 file(s)"));

        Files.delete(root);
        Files.move(away, root);
        source.poll(false);
        assertThat(last.get().objects()).containsExactlyElementsOf(before);
        assertThat(last.get().problems()).isEmpty();
    }

    @Test
    void aWatcherThatStopsMakesTheSourceStalledNamingWhatAndSinceWhen() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        source = new FileSource(List.of(dir), Duration.ofMillis(20));
        source.start(last::set);
        assertThat(source.stalled()).isEmpty();
        source.task.cancel(false); // what an executor that lost its task looks like from outside
        assertThat(source.stalled()).singleElement().asString().contains("has stopped (its last poll ended at 20")
                .contains("cancelled").contains(dir.toString());
        source.close();
        assertThat(source.stalled()).as("a closed source is not stalled").isEmpty();
    }

    @Test
    void aListingErrorIsNotADeletion() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path root = Files.createSymbolicLink(dir.resolve("m"), real);
        Files.writeString(real.resolve("a.yaml"), SVC.formatted("a"));
        Files.createDirectories(real.resolve("sub"));
        Files.writeString(real.resolve("sub/b.yaml"), SVC.formatted("b"));
        source = new FileSource(List.of(root), Duration.ofHours(1));
        source.start(last::set);
        List<SourcedObject> before = last.get().objects();
        assertThat(names()).containsExactly("Service/default/a", "Service/default/b");

        // the folder turns into a symbolic link loop: every access fails (ELOOP), for root as for anyone
        loop(root);
        source.poll(false);
        assertThat(last.get().objects()).as("the very same objects").containsExactlyElementsOf(before);
        assertThat(last.get().objects().get(0).object()).isSameAs(before.get(0).object());
        assertThat(last.get().problems()).anySatisfy(p -> {
            assertThat(p.reason()).isEqualTo("FailedToRead");
            assertThat(p.message()).contains(root.toString()).contains("symbolic links");
        });

        unloop(root, real);
        source.poll(false);
        assertThat(last.get().objects()).containsExactlyElementsOf(before);
        assertThat(last.get().problems()).isEmpty();

        // a sub-folder that cannot be read keeps its files' objects; the rest still reads
        Path moved = Files.move(real.resolve("sub"), dir.resolve("sub-moved"));
        loop(real.resolve("sub"));
        Files.writeString(real.resolve("c.yaml"), SVC.formatted("c"));
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/a", "Service/default/c", "Service/default/b"); // path order
        assertThat(last.get().problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("sub"));
        Files.delete(real.resolve("sub"));
        Files.move(moved, real.resolve("sub"));

        // a file really gone still takes its objects with it
        Files.delete(real.resolve("sub/b.yaml"));
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/a", "Service/default/c");

        // and so does a folder really gone, the watched one included (with a warning that says so)
        Files.delete(root);
        source.poll(false);
        assertThat(names()).isEmpty();
        assertThat(last.get().problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains(root.toString()).contains("does not exist"));
    }

    @Test
    void entriesThatCannotBeReadGetAWarningNamingPathAndWhy() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        Files.createSymbolicLink(dir.resolve("dangling.yaml"), dir.resolve("nowhere.yaml"));
        Files.createSymbolicLink(dir.resolve("self.yaml"), dir.resolve("self.yaml"));
        boolean fifo = new ProcessBuilder("mkfifo", dir.resolve("pipe.yaml").toString()).start().waitFor() == 0;
        start();
        assertThat(names()).containsExactly("Service/default/a");
        assertThat(last.get().problems()).extracting(Problem::message)
                .anySatisfy(m -> assertThat(m).contains("dangling.yaml").contains("nowhere.yaml"))
                .anySatisfy(m -> assertThat(m).contains("self.yaml").contains("symbolic links"));
        if (fifo) {
            assertThat(last.get().problems()).extracting(Problem::message)
                    .anySatisfy(m -> assertThat(m).contains("pipe.yaml").contains("not a regular file"));
        }
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedBeforeParsingAndKeepsItsObjects() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), SVC.formatted("a"));
        Files.writeString(dir.resolve("big.yaml"), SVC.formatted("big"));
        start();
        Files.writeString(dir.resolve("big.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: "
                + "x".repeat(9 << 20) + "\n");
        source.poll(false);
        assertThat(names()).containsExactly("Service/default/a", "Service/default/big");
        assertThat(last.get().problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("big.yaml").contains("over the limit of 8 MiB").contains("--max-manifest-size"));
    }

    private static void loop(Path link) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".loop");
        Files.createSymbolicLink(tmp, link.getFileName());
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void unloop(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".fix");
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void missingPathIsAClearError() {
        assertThatThrownBy(() -> new FileSource(List.of(dir.resolve("nope")), Duration.ofSeconds(1)))
                .hasMessageContaining("the path \"" + dir.resolve("nope") + "\" does not exist");
    }
}
