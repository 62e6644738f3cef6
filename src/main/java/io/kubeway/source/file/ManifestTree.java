package io.kubeway.source.file;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Lists the manifest files below the roots and, separately, every entry it could not read and why: a folder
 * that cannot be opened, a symbolic link that leads nowhere or in a loop, a FIFO or device named like a
 * manifest. The caller must not read a file missing from an incomplete listing as deleted: a failed
 * {@code opendir} (EMFILE, ENAMETOOLONG, ELOOP, EACCES) says nothing about the files below it.
 *
 * <p>Symbolic links are followed (a ConfigMap volume is made of them); a link back to a folder being walked
 * is reported, not followed. Hidden entries (a name starting with {@code .}) are skipped without a word,
 * as documented: editors and ConfigMap volumes keep their scratch there.
 */
final class ManifestTree {
    private ManifestTree() {
    }

    /**
     * @param files      manifest files, in path order
     * @param unreadable paths (files or folders) that could not be read, with why; what was known below them stands
     * @param notes      other entries worth a warning that keep nothing: a root that does not exist (its files
     *                   are really gone), a link back to a folder above it
     */
    record Listing(TreeSet<Path> files, Map<Path, String> unreadable, Map<Path, String> notes) {
        /** Why {@code file} or a folder above it could not be read, or null. */
        String unreadable(Path file) {
            for (Path p = file; p != null; p = p.getParent()) {
                String why = unreadable.get(p);
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
    }

    static Listing list(List<Path> roots) {
        TreeSet<Path> files = new TreeSet<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        Map<Path, String> notes = new LinkedHashMap<>();
        for (Path root : roots) {
            try {
                Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                        new Visitor(root, files, unreadable, notes));
            } catch (IOException | RuntimeException e) {
                unreadable.put(root, "cannot list it: " + reason(e));
            }
        }
        return new Listing(files, unreadable, notes);
    }

    static boolean isManifestName(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }

    /** The exception's message, or its kind when it has none ("Too many levels of symbolic links"). */
    static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            m = fse.getReason();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static final class Visitor extends SimpleFileVisitor<Path> {
        private final Path root;
        private final TreeSet<Path> files;
        private final Map<Path, String> unreadable;
        private final Map<Path, String> notes;

        Visitor(Path root, TreeSet<Path> files, Map<Path, String> unreadable, Map<Path, String> notes) {
            this.root = root;
            this.files = files;
            this.unreadable = unreadable;
            this.notes = notes;
        }

        private boolean hidden(Path p) {
            return !p.equals(root) && p.getFileName() != null && p.getFileName().toString().startsWith(".");
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (hidden(file)) {
                return FileVisitResult.CONTINUE;
            }
            if (attrs.isRegularFile()) {
                if (file.equals(root) || isManifestName(file)) {
                    files.add(file);
                }
            } else if (attrs.isSymbolicLink()) {
                // the walker could not follow it: say why (it leads nowhere, or in a loop)
                unreadable.put(file, brokenLink(file));
            } else if (file.equals(root) || isManifestName(file)) {
                unreadable.put(file, "not a regular file (" + FileKind.of(file) + "); not read");
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (file.equals(root) && e instanceof NoSuchFileException) {
                notes.put(file, "it does not exist (any more)"); // so its files are really gone
            } else if (e instanceof FileSystemLoopException) {
                notes.put(file, "a symbolic link back to a folder above it; not followed");
            } else if (!hidden(file)) {
                unreadable.put(file, "cannot read it: " + reason(e));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            if (e != null) {
                unreadable.put(dir, "listing it failed part way: " + reason(e));
            }
            return FileVisitResult.CONTINUE;
        }

        private static String brokenLink(Path link) {
            String target;
            try {
                target = Files.readSymbolicLink(link).toString();
            } catch (IOException | RuntimeException e) {
                target = "?";
            }
            try {
                Files.readAttributes(link, BasicFileAttributes.class);
                return "a symbolic link to " + target + " that could not be followed";
            } catch (NoSuchFileException e) {
                return "a symbolic link to " + target + ", which does not exist";
            } catch (IOException | RuntimeException e) {
                return "a symbolic link to " + target + " that cannot be followed: " + reason(e);
            }
        }
    }
}
