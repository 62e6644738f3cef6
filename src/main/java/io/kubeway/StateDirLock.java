package io.kubeway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static java.util.Objects.requireNonNull;

/**
 * One Kubeway per state directory: two instances on one {@code --state-dir} would overwrite each other's
 * allocations. An exclusive lock on {@code <stateDir>/kubeway.lock} holds it, with the holder's PID written in
 * the file so a second instance can name it. The lock is the operating system's ({@code fcntl}), so it dies
 * with its process: after a crash or {@code kill -9} the next start takes it at once, and a stale file with an
 * old PID in it means nothing.
 */
public final class StateDirLock implements AutoCloseable {
    static final String FILE_NAME = "kubeway.lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the directory if needed and takes its lock.
     *
     * @throws StateDirInUseException when another process, or another instance in this JVM, holds it
     * @throws UncheckedIOException   when the directory or the lock file cannot be created or written
     */
    public static StateDirLock acquire(Path stateDir) {
        requireNonNull(stateDir, "stateDir");
        Path file = stateDir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            Files.createDirectories(stateDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use state directory " + stateDir.toAbsolutePath() + ": " + e, e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another instance in this JVM: the same answer as another process
            }
            if (lock == null) {
                String holder = holder(file);
                channel.close();
                throw new StateDirInUseException(stateDir, holder);
            }
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            channel.force(false);
            return new StateDirLock(file, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    /** The PID the holder wrote, or a note saying it is not known (it may not have written it yet). */
    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d{1,10}") ? pid : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock. The file stays: deleting it could let two instances lock two different files. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** Another Kubeway holds the state directory. The message names the directory and the holder's PID. */
    public static final class StateDirInUseException extends IllegalStateException {
        private final String pid;

        StateDirInUseException(Path stateDir, String pid) {
            super("state directory " + stateDir.toAbsolutePath().normalize() + " is in use by another kubeway (PID "
                    + pid + "); stop it, or give this one another --state-dir");
            this.pid = pid;
        }

        /** The holder's PID as it wrote it, or {@code unknown}. */
        public String pid() {
            return pid;
        }
    }
}
