package io.kubeway.source.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one manifest file (YAML, multi-document, or JSON; {@code kind: List} is flattened) into fabric8
 * objects. Objects without a namespace land in {@code default}, as {@code kubectl apply} would put them.
 *
 * <p>Hostile input ends in a {@link ManifestException} that says what and where, never in another exception,
 * an Error or a hang: the text must be UTF-8 ({@link Utf8Text}), YAML and JSON are loaded into plain values
 * under {@link ManifestLimits} ({@link YamlLoader}, {@link JsonLoader}), aliases are measured expanded
 * ({@link ExpandedSize}), and only then are the values converted with fabric8's mapper, as fabric8's own
 * {@code Serialization.unmarshal} converts them.
 */
final class ManifestParser {
    private ManifestParser() {
    }

    /** {@link #parse(byte[], ManifestLimits)} with the default limits. */
    static List<HasMetadata> parse(byte[] content) {
        return parse(content, ManifestLimits.defaults());
    }

    /** The objects in {@code content}; throws {@link ManifestException} with a readable reason. */
    static List<HasMetadata> parse(byte[] content, ManifestLimits limits) {
        if (content.length > limits.maxFileBytes()) {
            throw new ManifestException("the file is " + content.length + " bytes, over the limit of "
                    + ManifestLimits.size(limits.maxFileBytes()), null);
        }
        ParseDeadline deadline = new ParseDeadline(limits.parseTimeout());
        String text = Utf8Text.decode(content);
        List<Object> documents = isJson(text) ? JsonLoader.load(text, limits, deadline) : YamlLoader.load(text, limits, deadline);
        ExpandedSize size = new ExpandedSize(limits);
        List<HasMetadata> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            deadline.check();
            Object document = documents.get(i);
            if (document == null) {
                continue; // an empty document, as between two "---"
            }
            size.add(document);
            collect(convert(document, i + 1, documents.size()), out);
        }
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

    /** As fabric8 and kubectl decide: JSON when the first non-blank character opens an object or array. */
    private static boolean isJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static Object convert(Object document, int index, int count) {
        String which = count == 1 ? "" : "document " + index + ": ";
        if (!(document instanceof Map<?, ?>)) {
            throw new ManifestException(which + "not a Kubernetes object: a " + describe(document)
                    + " where a mapping with apiVersion, kind and metadata belongs", null);
        }
        try {
            return Serialization.jsonMapper().convertValue(document, KubernetesResource.class);
        } catch (RuntimeException e) {
            // fabric8's mapping (Jackson) refuses what does not fit the model: wrong types, unknown enum values
            throw new ManifestException(which + rootMessage(e), e);
        }
    }

    private static String describe(Object value) {
        return value instanceof List<?> ? "sequence" : value instanceof String ? "string" : value.getClass().getSimpleName();
    }

    private static void collect(Object parsed, List<HasMetadata> out) {
        if (parsed == null) {
            return;
        }
        if (parsed instanceof KubernetesList list) {
            if (list.getItems() != null) {
                // typed List<HasMetadata>, but fabric8 puts a RawExtension there for an item it cannot type
                // (found by ManifestParserFuzzTest): iterate untyped
                for (Object item : (List<?>) list.getItems()) {
                    collect(item, out);
                }
            }
        } else if (parsed instanceof HasMetadata obj) {
            out.add(obj);
        } else {
            throw new ManifestException("not a Kubernetes object: " + parsed.getClass().getSimpleName()
                    + (parsed instanceof RawExtension ? " (an item without apiVersion and kind?)" : ""), null);
        }
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
    static class ManifestException extends RuntimeException {
        ManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
