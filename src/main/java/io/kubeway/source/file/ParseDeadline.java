package io.kubeway.source.file;

import io.kubeway.source.file.ManifestParser.ManifestException;

import java.time.Duration;

/**
 * When parsing one file must have ended. Checked between input chunks, parser events and documents, each a
 * bounded amount of work, so a slow file fails on time instead of holding the watcher.
 */
final class ParseDeadline {
    private final Duration limit;
    private final long deadline;

    ParseDeadline(Duration limit) {
        this.limit = limit;
        this.deadline = System.nanoTime() + limit.toNanos();
    }

    void check() {
        if (System.nanoTime() - deadline > 0) {
            throw new Exceeded("parsing took longer than " + limit.toSeconds() + " s and was stopped"
                    + " (the file is retried when it changes)");
        }
    }

    /** The deadline passed: the input was too slow to parse, which the fuzz test reports as a finding. */
    static final class Exceeded extends ManifestException {
        Exceeded(String message) {
            super(message, null);
        }
    }
}
