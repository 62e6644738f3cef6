package io.kubeway.source.file;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubeway.source.file.ManifestParser.ManifestException;

import java.time.Duration;
import java.util.List;

/**
 * The manifest parser's contract under any bytes: a list of named, namespaced objects, or a
 * {@link ManifestException}; never another exception, an Error, or a parse stopped by its deadline. The
 * corpus ({@code ManifestParserFuzzTestInputs/parse}) keeps the nasty inputs small: deep nesting, alias bombs,
 * recursive aliases, invalid UTF-8, UTF-16, control characters; the big ones live in {@link ManifestParserTest}.
 */
class ManifestParserFuzzTest {
    /** The defaults, smaller: fuzz inputs are small, and a limit hit is as good an outcome as a parse. */
    private static final ManifestLimits LIMITS = new ManifestLimits(64 * 1024, 100, 50, 20_000, 100, Duration.ofSeconds(5));

    @FuzzTest(maxDuration = "5m") // bench/fuzz.sh sets its own duration
    void parse(byte[] input) {
        List<HasMetadata> objects;
        try {
            objects = ManifestParser.parse(input, LIMITS);
        } catch (ManifestException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a ManifestException must say what is wrong", e);
            }
            if (e instanceof ParseDeadline.Exceeded) {
                throw new AssertionError("slow input: " + e.getMessage(), e);
            }
            return;
        }
        for (HasMetadata o : objects) {
            if (o.getMetadata() == null || o.getMetadata().getName() == null || o.getMetadata().getName().isEmpty()
                    || o.getMetadata().getNamespace() == null || o.getMetadata().getNamespace().isEmpty()) {
                throw new AssertionError("an object without name or namespace: " + o);
            }
        }
    }
}
