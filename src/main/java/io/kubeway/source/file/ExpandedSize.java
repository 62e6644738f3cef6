package io.kubeway.source.file;

import io.kubeway.source.file.ManifestParser.ManifestException;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a loaded document costs once its aliases are expanded, as the JSON conversion and every later copy
 * will expand them: a few dozen aliases can stand for millions of values ("billion laughs") or for one long
 * string repeated a million times, and an alias inside its own anchor is a cycle. A shared collection is
 * measured once (by identity), so this walk is linear in the document as written; it recurses only as deep
 * as the document is nested as written, because YAML defines an anchor before any alias to it.
 */
final class ExpandedSize {
    private final ManifestLimits limits;
    private final Map<Object, Size> measured = new IdentityHashMap<>();
    private final Map<Object, Boolean> open = new IdentityHashMap<>();
    private long values;
    private long chars;

    private record Size(long values, long chars, int height) {
    }

    ExpandedSize(ManifestLimits limits) {
        this.limits = limits;
    }

    /** Adds one document to the file's totals; throws when a limit is passed. */
    void add(Object document) {
        Size size = measure(document);
        if (size.height() > limits.maxDepth()) {
            throw new ManifestException("with aliases expanded, mappings and sequences are nested more than "
                    + limits.maxDepth() + " levels deep", null);
        }
        values += size.values();
        chars += size.chars();
        if (values > limits.maxValues()) {
            throw new ManifestException("aliases expand to more than " + limits.maxValues() + " values", null);
        }
        // without aliases the text of all scalars fits in the file; only aliases can multiply it
        if (chars > limits.maxFileBytes()) {
            throw new ManifestException("aliases expand to more than " + limits.maxFileBytes() + " characters", null);
        }
    }

    private Size measure(Object value) {
        if (!(value instanceof Map<?, ?>) && !(value instanceof Collection<?>)) {
            return new Size(1, value instanceof CharSequence s ? s.length() : value instanceof byte[] b ? b.length : 0, 0);
        }
        Size known = measured.get(value);
        if (known != null) {
            return known;
        }
        if (open.put(value, Boolean.TRUE) != null) {
            throw new ManifestException("an alias refers to itself (a recursive structure cannot be a Kubernetes object)", null);
        }
        long v = 1;
        long c = 0;
        int height = 0;
        Iterable<?> children = value instanceof Map<?, ?> map ? map.entrySet() : (Collection<?>) value;
        for (Object child : children) {
            if (child instanceof Map.Entry<?, ?> e) {
                Size k = measure(e.getKey());
                Size val = measure(e.getValue());
                v += k.values() + val.values();
                c += k.chars() + val.chars();
                height = Math.max(height, Math.max(k.height(), val.height()));
            } else {
                Size s = measure(child);
                v += s.values();
                c += s.chars();
                height = Math.max(height, s.height());
            }
            // a shared subtree counted many times grows these fast: stop at once rather than overflow
            if (v > limits.maxValues() || c > limits.maxFileBytes() || height >= limits.maxDepth()) {
                v = Math.min(v, limits.maxValues() + 1L);
                c = Math.min(c, limits.maxFileBytes() + 1L);
                break;
            }
        }
        open.remove(value);
        Size size = new Size(v, c, height + 1);
        measured.put(value, size);
        return size;
    }
}
