package io.kubeway.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden-file tests: a folder of {@code NAME.in.yaml} inputs, each with its expected {@code NAME.out.txt}.
 * {@code -Dkubeway.updateGolden=true} (or a missing output) writes the actual text as the new expectation.
 */
public final class Golden {
    private Golden() {
    }

    /** The case names in {@code dir}, sorted. */
    public static Stream<String> cases(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".in.yaml"))
                    .map(n -> n.substring(0, n.length() - ".in.yaml".length())).sorted().toList().stream();
        }
    }

    /** The objects of case {@code name}; namespaced ones without a namespace land in {@code default}. */
    @SuppressWarnings("unchecked")
    public static List<HasMetadata> objects(Path dir, String name) throws IOException {
        Object o = Serialization.unmarshal(Files.readString(dir.resolve(name + ".in.yaml")));
        List<HasMetadata> out = new ArrayList<>(o instanceof List<?> l ? (List<HasMetadata>) l : List.of((HasMetadata) o));
        out.forEach(x -> {
            if (x.getMetadata().getNamespace() == null && !(x instanceof IngressClass)) {
                x.getMetadata().setNamespace("default");
            }
        });
        return out;
    }

    /** The objects of one type, in order. */
    public static <T> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Asserts {@code actual} equals case {@code name}'s expected output. */
    public static void check(Path dir, String name, String actual) throws IOException {
        Path golden = dir.resolve(name + ".out.txt");
        if (Boolean.getBoolean("kubeway.updateGolden") || !Files.exists(golden)) {
            Files.writeString(golden, actual);
        }
        assertThat(actual).isEqualTo(Files.readString(golden));
    }
}
