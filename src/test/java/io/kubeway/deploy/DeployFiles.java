package io.kubeway.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files of deploy/ as the tests read them: straight from the source tree (surefire runs in the project root). */
final class DeployFiles {
    static final Path DEPLOY = Path.of("deploy");
    static final String KUSTOMIZATION = "kustomization.yaml";

    private DeployFiles() {
    }

    /** deploy/*.yaml except kustomization.yaml: what `kubectl apply -k deploy/` and `kubeway manifests` install. */
    static List<Path> manifestFiles() {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml"))
                    .filter(p -> !p.getFileName().toString().equals(KUSTOMIZATION)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The objects of every manifest file, in file order. */
    static List<HasMetadata> objects() {
        List<HasMetadata> out = new ArrayList<>();
        manifestFiles().forEach(f -> out.addAll(parse(f)));
        return out;
    }

    /** Every object in one file, typed by fabric8 (GenericKubernetesResource for kinds it has no model for). */
    static List<HasMetadata> parse(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return flatten(Serialization.unmarshal(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<HasMetadata> parse(String yaml) {
        return flatten(Serialization.unmarshal(new java.io.ByteArrayInputStream(yaml.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))));
    }

    private static List<HasMetadata> flatten(Object parsed) {
        List<HasMetadata> out = new ArrayList<>();
        if (parsed instanceof KubernetesList list) {
            out.addAll(list.getItems());
        } else if (parsed instanceof List<?> list) {
            list.forEach(o -> out.add((HasMetadata) o));
        } else if (parsed instanceof HasMetadata o) {
            out.add(o);
        } else {
            throw new IllegalArgumentException("not a Kubernetes object: " + parsed);
        }
        return out;
    }

    /** The one object of this kind and name. */
    static <T extends HasMetadata> T find(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
