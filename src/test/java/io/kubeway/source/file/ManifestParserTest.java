package io.kubeway.source.file;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.kubeway.source.file.ManifestParser.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The parser's contract under hostile input: objects, or a {@link ManifestException} that says what is
 * wrong and where; never another exception, never an Error, never a hang. The preemptive timeouts are hang
 * guards (generous, not speed checks): before the limits, some of these inputs ran for minutes.
 */
class ManifestParserTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    private static List<HasMetadata> parse(String yaml) {
        return parse(yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static List<HasMetadata> parse(byte[] bytes) {
        return assertTimeoutPreemptively(HANG, (ThrowingSupplier<List<HasMetadata>>) () -> ManifestParser.parse(bytes));
    }

    @Test
    void readsYamlJsonAndListsAsBefore() {
        assertThat(parse("""
                # a comment
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {ports: [{port: 80}]}
                ---
                ---
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: x}, data: {k: v}}
                """)).satisfiesExactly(
                s -> assertThat(s).isInstanceOf(Service.class).extracting(o -> o.getMetadata().getNamespace()).isEqualTo("default"),
                c -> assertThat(c).isInstanceOf(ConfigMap.class).extracting(o -> o.getMetadata().getNamespace()).isEqualTo("x"));
        assertThat(parse("  {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"j\"}}"))
                .singleElement().isInstanceOf(Service.class);
        assertThat(parse("# nothing\n---\n")).isEmpty();
    }

    @Test
    void yamlAnchorsAndAliasesStillWork() {
        List<HasMetadata> objects = parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c, labels: &l {app: web}, annotations: *l}
                data: {a: &v value, b: *v}
                """);
        ConfigMap cm = (ConfigMap) objects.get(0);
        assertThat(cm.getMetadata().getAnnotations()).containsEntry("app", "web");
        assertThat(cm.getData()).containsEntry("b", "value");
    }

    @Test
    void deeplyNestedYamlIsRefusedWithTheLimitNotAStackOverflow() {
        String deep = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: " + "[".repeat(100_000);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("nested more than 100 levels deep");
        String deepMaps = "a: " + "{a: ".repeat(100_000);
        assertThatThrownBy(() -> parse(deepMaps)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("nested more than 100 levels deep");
        String deepBlocks = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n" + nestedBlock(150);
        assertThatThrownBy(() -> parse(deepBlocks)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("nested more than 100 levels deep");
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        assertThatThrownBy(() -> parse("[".repeat(100_000))).isInstanceOf(ManifestException.class)
                .hasMessageContaining("nested more than 100 levels deep");
        assertThatThrownBy(() -> parse("{\"a\":".repeat(100_000))).isInstanceOf(ManifestException.class)
                .hasMessageContaining("nested more than 100 levels deep");
    }

    @Test
    void nestingUpToTheLimitIsFine() {
        // metadata (1) + annotations... no: data maps to a ConfigMap's string map, so nest inside a generic kind
        String yaml = "apiVersion: example.com/v1\nkind: Deep\nmetadata: {name: d}\nspec: " + "[".repeat(98) + "]".repeat(98);
        assertThat(parse(yaml)).singleElement().satisfies(o -> assertThat(o.getKind()).isEqualTo("Deep"));
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            String prev = "*a" + (i - 1);
            b.append("x").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, prev))).append("]\n");
        }
        assertThatThrownBy(() -> parse(b.toString())).isInstanceOf(ManifestException.class)
                .hasMessageContaining("alias");
    }

    @Test
    void aliasBombWithinTheAliasCountIsRefusedByItsExpandedSize() {
        // 2 aliases a level, 24 levels: 48 aliases, 2^24 leaves once expanded
        StringBuilder b = new StringBuilder("apiVersion: example.com/v1\nkind: Bomb\nmetadata: {name: b}\nspec:\n  l0: &a0 [lol, lol]\n");
        for (int i = 1; i <= 24; i++) {
            b.append("  l").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        assertThatThrownBy(() -> parse(b.toString())).isInstanceOf(ManifestException.class)
                .hasMessageContaining("aliases expand to more than");
    }

    @Test
    void recursiveAliasIsRefused() {
        assertThatThrownBy(() -> parse("apiVersion: example.com/v1\nkind: R\nmetadata: {name: r}\nspec: &s [*s]\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("refers to itself");
    }

    @Test
    void invalidUtf8NamesTheByteOffset() {
        byte[] head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: \"".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xC3; // a lead byte followed by a non-continuation byte
        bytes[head.length + 1] = (byte) 'x';
        bytes[head.length + 2] = (byte) '"';
        assertThatThrownBy(() -> parse(bytes)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("not valid UTF-8").hasMessageContaining("byte offset " + head.length);
        assertThatThrownBy(() -> parse(new byte[] {(byte) 0xFF, (byte) 0xFE, 'a', 0, ':', 0}))
                .isInstanceOf(ManifestException.class).hasMessageContaining("UTF-16");
    }

    @Test
    void controlCharactersAreRefusedWithTheirPosition() {
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: \"a\u0000b\"}\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("line 4");
    }

    @Test
    void tooManyDocumentsAreRefused() {
        String docs = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n".repeat(10_001);
        assertThatThrownBy(() -> parse(docs)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("more than 10000 documents");
    }

    @Test
    void tooManyNodesAreRefused() {
        String many = "apiVersion: example.com/v1\nkind: Many\nmetadata: {name: m}\nspec: [" + "1,".repeat(600_000) + "1]\n";
        assertThatThrownBy(() -> parse(many)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("more than 500000 values");
    }

    @Test
    void aLargeScalarWithinTheLimitsIsRead() {
        String big = "x".repeat(4 << 20);
        List<HasMetadata> objects = parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: " + big + "\n");
        assertThat(((ConfigMap) objects.get(0)).getData().get("k")).hasSize(4 << 20);
    }

    @Test
    void nonMappingDocumentIsNotAnObject() {
        assertThatThrownBy(() -> parse("just a string\n")).isInstanceOf(ManifestException.class)
                .hasMessageContaining("not a Kubernetes object");
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: Service\n")).isInstanceOf(ManifestException.class)
                .hasMessageContaining("metadata.name: Required value");
    }

    @Test
    void aListItemWithoutKindIsAProblemNotAClassCastException() {
        // found by ManifestParserFuzzTest (corpus: list-item-without-kind.json)
        assertThatThrownBy(() -> parse("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [{\"metadata\": {\"name\": \"x\"}}]}"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("not a Kubernetes object");
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: List\nitems: [{apiVersiparsing: x, kind: Pod, metadata: {name: p}}]\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("not a Kubernetes object");
    }

    @Test
    void anInvalidTagIsAProblemNotAnIllegalArgumentException() {
        // found by ManifestParserFuzzTest (corpus: tag-with-bad-escape.yaml): SnakeYAML's Tag throws it
        assertThatThrownBy(() -> parse("!s%1")).isInstanceOf(ManifestException.class).hasMessageContaining("Tag");
    }

    private static String nestedBlock(int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            b.append("  ".repeat(i + 1)).append("k").append(i).append(":\n");
        }
        return b.append("  ".repeat(depth + 1)).append("v\n").toString();
    }
}
