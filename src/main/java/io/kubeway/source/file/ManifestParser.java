package io.kubeway.source.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one manifest file (YAML, multi-document, or JSON; {@code kind: List} is flattened) into fabric8
 * objects. Objects without a namespace land in {@code default}, as {@code kubectl apply} would put them.
 */
final class ManifestParser {
    private ManifestParser() {
    }

    /** The objects in {@code content}; throws {@link ManifestException} with a readable reason. */
    static List<HasMetadata> parse(byte[] content) {
        if (isBlank(content)) {
            return List.of();
        }
        Object parsed;
        try {
            parsed = Serialization.unmarshal(new ByteArrayInputStream(content));
        } catch (RuntimeException e) {
            throw new ManifestException(rootMessage(e), e);
        }
        List<HasMetadata> out = new ArrayList<>();
        collect(parsed, out);
        for (HasMetadata obj : out) {
            if (obj.getMetadata() == null || obj.getMetadata().getName() == null
                    || obj.getMetadata().getName().isEmpty()) {
                throw new ManifestException(obj.getKind() + " without metadata.name: metadata.name: Required value", null);
            }
            if (obj.getMetadata().getNamespace() == null || obj.getMetadata().getNamespace().isEmpty()) {
                obj.getMetadata().setNamespace("default");
            }
        }
        return out;
    }

    private static void collect(Object parsed, List<HasMetadata> out) {
        if (parsed == null) {
            return;
        }
        if (parsed instanceof KubernetesList list) {
            list.getItems().forEach(item -> collect(item, out));
        } else if (parsed instanceof HasMetadata obj) {
            out.add(obj);
        } else if (parsed instanceof List<?> list) {
            list.forEach(item -> collect(item, out));
        } else {
            throw new ManifestException("not a Kubernetes object: " + parsed.getClass().getSimpleName(), null);
        }
    }

    private static boolean isBlank(byte[] content) {
        for (String line : new String(content, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#") && !t.equals("---")) {
                return false;
            }
        }
        return true;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getMessage();
            }
        }
        return msg == null ? e.getClass().getSimpleName() : msg.lines().limit(4).reduce((a, b) -> a + " " + b.strip()).orElse(msg);
    }

    /** A file that cannot be read as manifests. */
    static final class ManifestException extends RuntimeException {
        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
