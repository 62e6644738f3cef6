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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Manifests from files and folders (every {@code .yaml}, {@code .yml} and {@code .json} below a folder,
 * hidden files skipped, symbolic links followed), watched by polling size and modification time: a change is
 * seen within one poll interval. Polling rather than inotify keeps it simple and works on every file system,
 * including bind mounts and ConfigMap volumes whose symlinks are swapped.
 *
 * <p>Last good state serves. A file that fails to parse or passes a {@link ManifestLimits limit} keeps its
 * last good objects (as a failed {@code kubectl apply} leaves the cluster unchanged) and adds a Problem naming
 * the file; the other files are unaffected. A file or folder that cannot be read or listed keeps the last
 * good objects of every file known below it, the very same instances, with a Problem naming the path and
 * why: only a file that is really gone ({@code lstat} says so) takes its objects with it. An object defined
 * twice is taken from the first file in path order, and the duplicate gets a Problem.
 *
 * <p>No Throwable stops the watcher: a poll that throws is logged and the next one runs, and should the
 * poller stop or hang anyway, {@link #stalled()} says so and /readyz fails.
 */
public final class FileSource implements ObjectSource {
    private static final Logger log = LoggerFactory.getLogger(FileSource.class);

    private final List<Path> roots;
    private final Duration pollInterval;
    private final ManifestLimits limits;
    private final Duration stuckAfter;
    private final Map<Path, FileEntry> files = new HashMap<>();
    private List<Problem> listingProblems = List.of();
    private boolean unpublished;
    private volatile ScheduledExecutorService poller;
    volatile ScheduledFuture<?> task; // package-private: a test cancels it, as a dying executor would
    private volatile Instant lastPollEnded;
    private volatile boolean closed;
    private volatile Instant pollingSince;
    private volatile Path reading;
    private Consumer<ClusterSnapshot> onChange;

    public FileSource(List<Path> roots, Duration pollInterval) {
        this(roots, pollInterval, ManifestLimits.defaults());
    }

    public FileSource(List<Path> roots, Duration pollInterval, ManifestLimits limits) {
        this(roots, pollInterval, limits, Duration.ofSeconds(60).plus(limits.parseTimeout()));
    }

    /** @param stuckAfter a poll running longer than this makes {@link #stalled()} report it */
    FileSource(List<Path> roots, Duration pollInterval, ManifestLimits limits, Duration stuckAfter) {
        this.roots = List.copyOf(requireNonNull(roots, "roots"));
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        this.limits = requireNonNull(limits, "limits");
        this.stuckAfter = requireNonNull(stuckAfter, "stuckAfter");
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
        task = poller.scheduleWithFixedDelay(() -> poll(false), ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Re-reads what changed; publishes a snapshot when anything did (or always, on the first call). Catches
     * every Throwable (a StackOverflowError or OutOfMemoryError included): a scheduled task that throws is
     * never run again.
     */
    synchronized void poll(boolean force) {
        pollingSince = Instant.now();
        try {
            ManifestTree.Listing listing = ManifestTree.list(roots);
            boolean changed = force | unpublished | forgetGone(listing);
            List<Problem> nowListing = listingProblems(listing);
            changed |= !nowListing.equals(listingProblems);
            listingProblems = nowListing;
            for (Path file : listing.files()) {
                reading = file;
                changed |= refresh(file);
            }
            reading = null;
            if (changed) {
                unpublished = true;
                onChange.accept(snapshot());
                unpublished = false;
            }
        } catch (Throwable t) {
            logSafely(t);
        } finally {
            reading = null;
            pollingSince = null;
            lastPollEnded = Instant.now();
        }
    }

    private static void logSafely(Throwable t) {
        try {
            log.error("reading manifests failed; keeping the last good state and polling on", t);
        } catch (Throwable ignored) {
            // logging itself failed (out of memory?): the next poll runs regardless
        }
    }

    /**
     * Drops the files that are really gone. A known file missing from the listing under a path that could not
     * be read, or that {@code lstat} cannot rule out, stays as it was.
     */
    private boolean forgetGone(ManifestTree.Listing listing) {
        boolean changed = false;
        for (var it = files.keySet().iterator(); it.hasNext(); ) {
            Path file = it.next();
            if (!listing.files().contains(file) && listing.unreadable(file) == null && isGone(file)) {
                it.remove();
                changed = true;
            }
        }
        return changed;
    }

    private static boolean isGone(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isDirectory(); // a file turned into a folder is gone as a file
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // ENAMETOOLONG, ELOOP, EACCES, EIO: not proof of deletion
        }
    }

    private List<Problem> listingProblems(ManifestTree.Listing listing) {
        List<Problem> out = new ArrayList<>();
        listing.notes().forEach((path, why) -> out.add(Problem.warning(new ObjectRef("File", "", path.toString()),
                path.toString(), "FailedToRead", path + ": " + why)));
        listing.unreadable().forEach((path, why) -> {
            String source = path.toString();
            long kept = files.keySet().stream().filter(f -> f.startsWith(path)).count();
            out.add(Problem.warning(new ObjectRef("File", "", source), source, "FailedToRead", source + ": " + why
                    + (kept == 0 ? "" : "; keeping the last good objects of " + kept + " file(s) there")));
        });
        return out;
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
            if (!attrs.isRegularFile()) {
                // it changed since the listing; opening a FIFO would block the watcher
                return update(file, old, null, "not a regular file (" + FileKind.of(file) + ")");
            }
            if (attrs.size() > limits.maxFileBytes()) {
                return update(file, old, attrs, tooBig(attrs.size()));
            }
            try (InputStream in = Files.newInputStream(file)) {
                content = in.readNBytes((int) limits.maxFileBytes() + 1); // it may have grown since
            }
        } catch (NoSuchFileException e) {
            return files.remove(file) != null;
        } catch (IOException e) {
            return update(file, old, null, "cannot read: " + ManifestTree.reason(e));
        }
        if (content.length > limits.maxFileBytes()) {
            return update(file, old, attrs, tooBig(content.length));
        }
        if (old != null && old.content() != null && Arrays.equals(old.content(), content)) {
            files.put(file, old.withStamp(attrs).withError(null));
            return old.error() != null;
        }
        try {
            List<HasMetadata> objects = reuseUnchanged(old, ManifestParser.parse(content, limits));
            files.put(file, new FileEntry(stamp(attrs), attrs.size(), content, objects, null));
            log.info("read {} object(s) from {}", objects.size(), file);
            return true;
        } catch (ManifestParser.ManifestException e) {
            return update(file, old, attrs, e.getMessage());
        } catch (Throwable t) {
            // a parser bug or an Error: this file fails, the others and the next poll go on
            log.error("parsing {} failed unexpectedly", file, t);
            return update(file, old, attrs, "parsing failed unexpectedly: " + t);
        }
    }

    private String tooBig(long size) {
        return "the file is " + size + " bytes, over the limit of " + ManifestLimits.size(limits.maxFileBytes())
                + " (--max-manifest-size); it was not read";
    }

    private static long stamp(BasicFileAttributes a) {
        return a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
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

    /**
     * Records a failure; the file keeps its last good objects. With {@code attrs} the failure sticks until
     * the file changes (a parse error); without, the file is retried next poll (a read error).
     */
    private boolean update(Path file, FileEntry old, BasicFileAttributes attrs, String error) {
        long mtime = attrs == null ? -1 : stamp(attrs);
        long size = attrs == null ? -1 : attrs.size();
        List<HasMetadata> lastGood = old == null ? List.of() : old.objects();
        files.put(file, new FileEntry(mtime, size, old == null ? null : old.content(), lastGood, error));
        // logged (once) as a problem by the controller's event recorder
        return old == null || !error.equals(old.error());
    }

    private ClusterSnapshot snapshot() {
        Map<ObjectRef, SourcedObject> objects = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>(listingProblems);
        for (Path file : new TreeSet<>(files.keySet())) {
            FileEntry entry = files.get(file);
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

    /**
     * Why the watcher cannot deliver changes: it stopped (and with what), or one poll has been running for
     * longer than any poll should (a read blocked on a hung file system), naming the file and since when.
     */
    @Override
    public List<String> stalled() {
        ScheduledFuture<?> t = task;
        if (closed || t == null) {
            return List.of();
        }
        if (t.isDone()) {
            return List.of("the manifest watcher of " + roots + " has stopped (its last poll ended at " + lastPollEnded
                    + "): " + cause(t) + "; changes to the files are no longer applied");
        }
        Instant since = pollingSince;
        if (since != null && Duration.between(since, Instant.now()).compareTo(stuckAfter) > 0) {
            Path file = reading;
            return List.of("the manifest watcher of " + roots + " has been stuck in one poll since " + since
                    + (file == null ? "" : ", reading " + file) + "; changes to the files are not applied");
        }
        return List.of();
    }

    private static String cause(ScheduledFuture<?> t) {
        try {
            t.get();
            return "it ended";
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            try {
                return String.valueOf(c);
            } catch (Throwable unprintable) {
                return c.getClass().getName();
            }
        } catch (Throwable e) {
            return "it was cancelled";
        }
    }

    /** Not synchronized: it must not wait for a poll that hangs. */
    @Override
    public void close() {
        closed = true;
        ScheduledExecutorService p = poller;
        if (p != null) {
            p.shutdownNow();
        }
    }

    private record FileEntry(long mtime, long size, byte[] content, List<HasMetadata> objects, String error) {
        boolean sameStamp(BasicFileAttributes a) {
            return mtime == stamp(a) && size == a.size();
        }

        FileEntry withStamp(BasicFileAttributes a) {
            return new FileEntry(stamp(a), a.size(), content, objects, error);
        }

        FileEntry withError(String e) {
            return new FileEntry(mtime, size, content, objects, e);
        }
    }
}
