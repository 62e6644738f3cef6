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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void missingPathIsAClearError() {
        assertThatThrownBy(() -> new FileSource(List.of(dir.resolve("nope")), Duration.ofSeconds(1)))
                .hasMessageContaining("the path \"" + dir.resolve("nope") + "\" does not exist");
    }
}
