package io.kubeway.source.file;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How much one manifest file may ask of the parser. Every limit fails only that file (it keeps its last good
 * objects, with a Warning naming the limit); none can stop the watcher or starve the other files.
 *
 * <p>SnakeYAML keeps roughly 100 bytes of parser state per input byte and recurses once per nesting level,
 * so the size, value count and depth limits are what keep one hostile file from exhausting the heap or the
 * stack; the deadline is the backstop for whatever they do not foresee.
 *
 * @param maxFileBytes       a file over this size is refused before it is read (flag {@code --max-manifest-size};
 *                           the API server caps a request at 3 MiB)
 * @param maxDepth           nesting of mappings and sequences, counted as written and again with aliases expanded
 * @param maxAliases         aliases that refer to a mapping or sequence (SnakeYAML's {@code maxAliasesForCollections})
 * @param maxValues          scalars, mappings and sequences in the whole file, as written and again with aliases
 *                           expanded; bounds the parser's memory whatever the byte size
 * @param maxDocuments       YAML documents ({@code ---}) or JSON values in one file
 * @param parseTimeout       parsing one file stops with an error after this long
 */
public record ManifestLimits(long maxFileBytes, int maxDepth, int maxAliases, int maxValues, int maxDocuments,
                             Duration parseTimeout) {
    public static final long DEFAULT_MAX_FILE_BYTES = 8L << 20;

    public ManifestLimits {
        requireNonNull(parseTimeout, "parseTimeout");
        if (maxFileBytes < 1 || maxFileBytes > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the manifest size limit must be between 1 byte and 2 GiB, got " + maxFileBytes);
        }
        if (maxDepth < 1 || maxAliases < 0 || maxValues < 1 || maxDocuments < 1 || parseTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid manifest limits: " + maxDepth + ", " + maxAliases + ", "
                    + maxValues + ", " + maxDocuments + ", " + parseTimeout);
        }
    }

    public static ManifestLimits defaults() {
        return withMaxFileBytes(DEFAULT_MAX_FILE_BYTES);
    }

    /** The defaults with another size limit (what {@code --max-manifest-size} sets). */
    public static ManifestLimits withMaxFileBytes(long maxFileBytes) {
        return new ManifestLimits(maxFileBytes, 100, 50, 500_000, 10_000, Duration.ofSeconds(10));
    }

    /** {@code 8 MiB}, {@code 512 KiB}, {@code 100 bytes}: for messages. */
    static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
