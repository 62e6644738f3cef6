package io.kubeway.source.file;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a non-regular file is, for messages: opening a FIFO to read it would block until someone writes. */
final class FileKind {
    private FileKind() {
    }

    static String of(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO";
                case 0140000 -> "a socket";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0040000 -> "a folder";
                default -> "not a regular file";
            };
        } catch (Exception e) {
            return Files.isDirectory(p) ? "a folder" : "a FIFO, socket or device";
        }
    }
}
