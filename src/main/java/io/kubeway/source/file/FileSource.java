package io.kubeway.source.file;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubeway.core.ObjectRef;
import io.kubeway.core.Problem;
import io.kubeway.source.ClusterSnapshot;
import io.kubeway.source.ObjectSource;
import io.kubeway.source.SourcedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Manifests from files and folders (every {@code .yaml}, {@code .yml} and {@code .json} below a folder,
 * hidden files skipped), watched by polling size and modification time: a change is seen within one poll
 * interval. Polling rather than inotify keeps it simple and works on every file system, including
 * bind mounts and ConfigMap volumes whose symlinks are swapped.
 *
 * <p>A file that fails to parse keeps its last good objects (as a failed {@code kubectl apply} leaves the
 * cluster unchanged) and adds a Problem naming the file; the other files are unaffected. An object defined
 * twice is taken from the first file in path order, and the duplicate gets a Problem.
 */
public final class FileSource implements ObjectSource {
    private static final Logger log = LoggerFactory.getLogger(FileSource.class);

    private final List<Path> roots;
    private final Duration pollInterval;
    private final Map<Path, FileEntry> files = new HashMap<>();
    private ScheduledExecutorService poller;
    private Consumer<ClusterSnapshot> onChange;

    public FileSource(List<Path> roots, Duration pollInterval) {
        this.roots = List.copyOf(requireNonNull(roots, "roots"));
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        for (Path root : roots) {
            if (!Files.exists(root)) {
                throw new IllegalArgumentException("the path \"" + root + "\" does not exist");
            }
        }
    }

    @Override
    public synchronized void start(Consumer<ClusterSnapshot> onChange) {
        this.onChange = requireNonNull(onChange, "onChange");
        poll(true);
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "file-source");
            t.setDaemon(true);
            return t;
        });
        long ms = pollInterval.toMillis();
        poller.scheduleWithFixedDelay(() -> poll(false), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Re-reads what changed; publishes a snapshot when anything did (or always, on the first call). */
    synchronized void poll(boolean force) {
        try {
            boolean changed = force;
            TreeSet<Path> present = listFiles();
            changed |= files.keySet().retainAll(present);
            for (Path file : present) {
                changed |= refresh(file);
            }
            if (changed) {
                onChange.accept(snapshot(present));
            }
        } catch (RuntimeException e) {
            log.error("reading manifests failed; keeping the last good state", e);
        }
    }

    private TreeSet<Path> listFiles() {
        TreeSet<Path> out = new TreeSet<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                out.add(root);
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> isManifest(root, p)).forEach(out::add);
                } catch (IOException | UncheckedIOException e) {
                    log.warn("cannot list {}: {}", root, e.getMessage());
                }
            }
        }
        return out;
    }

    private static boolean isManifest(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    /** Returns true when the file's objects or problems changed. */
    private boolean refresh(Path file) {
        FileEntry old = files.get(file);
        BasicFileAttributes attrs;
        byte[] content;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
            if (old != null && old.sameStamp(attrs)) {
                return false;
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return files.remove(file) != null;
        } catch (IOException e) {
            return update(file, old, null, old == null ? List.of() : old.objects(), "cannot read: " + e.getMessage());
        }
        if (old != null && Arrays.equals(old.content(), content)) {
            files.put(file, old.withStamp(attrs));
            return false;
        }
        try {
            List<HasMetadata> objects = reuseUnchanged(old, ManifestParser.parse(content));
            files.put(file, new FileEntry(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS), attrs.size(), content, objects, null));
            log.info("read {} object(s) from {}", objects.size(), file);
            return true;
        } catch (ManifestParser.ManifestException e) {
            List<HasMetadata> lastGood = old == null ? List.of() : old.objects();
            return update(file, old, attrs, lastGood, e.getMessage());
        }
    }

    /**
     * Keeps the old instance of every object that re-reads equal, so downstream caches (which compare by
     * identity) see only what really changed in an edited file.
     */
    private static List<HasMetadata> reuseUnchanged(FileEntry old, List<HasMetadata> parsed) {
        if (old == null || old.objects().isEmpty()) {
            return parsed;
        }
        Map<ObjectRef, HasMetadata> previous = new HashMap<>();
        old.objects().forEach(o -> previous.put(ObjectRef.of(o), o));
        List<HasMetadata> out = new ArrayList<>(parsed.size());
        for (HasMetadata o : parsed) {
            HasMetadata before = previous.get(ObjectRef.of(o));
            out.add(o.equals(before) ? before : o);
        }
        return out;
    }

    private boolean update(Path file, FileEntry old, BasicFileAttributes attrs, List<HasMetadata> objects, String error) {
        long mtime = attrs == null ? -1 : attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        long size = attrs == null ? -1 : attrs.size();
        files.put(file, new FileEntry(mtime, size, old == null ? null : old.content(), objects, error));
        // logged (once) as a problem by the controller's event recorder
        return old == null || !error.equals(old.error());
    }

    private ClusterSnapshot snapshot(TreeSet<Path> order) {
        Map<ObjectRef, SourcedObject> objects = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (Path file : order) {
            FileEntry entry = files.get(file);
            if (entry == null) {
                continue;
            }
            String source = file.toString();
            if (entry.error() != null) {
                problems.add(Problem.warning(new ObjectRef("File", "", source), source, "FailedToParse",
                        "error parsing " + source + ": " + entry.error()
                                + (entry.objects().isEmpty() ? "" : "; keeping its last good objects")));
            }
            for (HasMetadata obj : entry.objects()) {
                ObjectRef ref = ObjectRef.of(obj);
                SourcedObject first = objects.get(ref);
                if (first != null) {
                    problems.add(Problem.warning(ref, source, "Duplicate",
                            ref + " is also defined in " + first.source() + "; using that one"));
                } else {
                    objects.put(ref, new SourcedObject(obj, source));
                }
            }
        }
        return new ClusterSnapshot(new ArrayList<>(objects.values()), problems);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    private record FileEntry(long mtime, long size, byte[] content, List<HasMetadata> objects, String error) {
        boolean sameStamp(BasicFileAttributes a) {
            return mtime == a.lastModifiedTime().to(TimeUnit.NANOSECONDS) && size == a.size();
        }

        FileEntry withStamp(BasicFileAttributes a) {
            return new FileEntry(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), content, objects, error);
        }
    }
}
