package ai.stigmer.logs;

import ai.stigmer.config.LogsSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Size-based rotation of a log that other processes append to (O_APPEND) and go on appending to,
 * whether or not the daemon lives: a component's stdout and stderr, the daemon's own console. Nothing
 * is renamed under a writer and no writer is reopened. A rotation copies the head of the live file
 * into {@code NAME.log.1} (the older parts move up, the one past {@code keep} is deleted) and then
 * removes exactly that head from the live file with one atomic {@link CollapseRange collapse}: every
 * byte is in exactly one file. The head ends at a filesystem block boundary, so the line that
 * crosses it begins in {@code NAME.log.1} and ends in {@code NAME.log}.
 *
 * <p>Where the filesystem cannot collapse (tmpfs, btrfs, NFS), the live file is copied and then
 * truncated, as logrotate's copytruncate does, and a WARN says so once: what a writer appends between
 * the end of the copy and the truncation is lost.
 *
 * <p>A rotation holds the marker {@link RotatedLog#marker()} from before the copy to after the
 * collapse; readers wait while it exists, and {@link #recover()} finishes a rotation that a crash
 * of the daemon interrupted.
 */
final class AppendedLogRotation {
    private static final Logger LOG = LoggerFactory.getLogger(AppendedLogRotation.class);
    private static final long DEFAULT_BLOCK = 4096;
    private static final int CATCH_UP_ROUNDS = 8;

    private final RotatedLog log;
    private final java.io.File liveFile;
    private final LogsSpec spec;
    private final long block;
    private boolean collapseUnsupported;
    /** Whether a marker may be left from a rotation that did not finish; only this daemon rotates the log. */
    private boolean unfinished = true;

    AppendedLogRotation(Path live, LogsSpec spec) {
        this.log = new RotatedLog(live);
        this.liveFile = live.toFile();
        this.spec = spec;
        this.block = blockSize(live);
    }

    Path live() {
        return log.live();
    }

    /** Rotates once if the live file is larger than {@code maxSize}; true if it did. */
    boolean rotateIfDue() throws IOException {
        if (unfinished) {
            recover(); // a rotation that failed half way is finished before another begins
        }
        // java.io.File's length is one stat(2) and allocates nothing, where Files.size builds its
        // attribute objects: this runs once a second for every log. A missing file reads as 0.
        long size = liveFile.length();
        if (size <= spec.maxBytes()) {
            return false;
        }
        // The collapse must stop short of the end and at a block boundary; copy+truncate takes it all.
        long cut = collapseUnsupported ? size : ((size - 1) / block) * block;
        if (cut == 0) {
            return false;
        }
        Files.writeString(log.marker(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        boolean published = false;
        try {
            copyHead(cut);
            log.shift(spec.keep());
            Files.move(log.next(), log.rotated(1), StandardCopyOption.ATOMIC_MOVE);
            published = true;
            removeHead(cut);
            Files.delete(log.marker());
        } catch (IOException | RuntimeException e) {
            unfinished = true;
            if (!published) { // the live file is whole: nothing to finish
                Files.deleteIfExists(log.next());
                Files.deleteIfExists(log.marker());
            }
            throw e;
        }
        return true;
    }

    /**
     * Completes or undoes a rotation that the marker says was interrupted: a head not yet published
     * as {@code NAME.log.1} is dropped (the live file still has it); one published but still at the
     * start of the live file is removed from it now.
     */
    void recover() throws IOException {
        if (!Files.exists(log.marker())) {
            unfinished = false;
            return;
        }
        if (Files.exists(log.next())) {
            Files.delete(log.next());
        } else if (Files.exists(log.rotated(1)) && liveStartsWith(log.rotated(1))) {
            long published = Files.size(log.rotated(1));
            LOG.info("Finishing the rotation of {} that an earlier daemon began ({} bytes already in {})",
                    log.live(), published, log.rotated(1).getFileName());
            removeHead(published);
        }
        Files.delete(log.marker());
        unfinished = false;
    }

    private void copyHead(long length) throws IOException {
        try (FileChannel from = FileChannel.open(log.live(), StandardOpenOption.READ);
                FileChannel to = FileChannel.open(log.next(), StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            transfer(from, 0, length, to);
            to.force(true); // the only other copy of these bytes is about to be removed
        }
    }

    private void removeHead(long length) throws IOException {
        if (!collapseUnsupported) {
            try {
                CollapseRange.collapseHead(log.live(), length);
                return;
            } catch (CollapseRange.UnsupportedException e) {
                collapseUnsupported = true;
                LOG.warn("Rotating {} by copy and truncate: {}; lines written during a copy may be lost",
                        log.live(), e.getMessage());
            } catch (IOException e) {
                LOG.warn("Rotating {} by copy and truncate this time: {}", log.live(), e.getMessage());
            }
        }
        copyRestAndTruncate(length);
    }

    /** Appends what came after {@code copied} to {@code NAME.log.1}, catching up, then empties the live file. */
    private void copyRestAndTruncate(long copied) throws IOException {
        try (FileChannel from = FileChannel.open(log.live(), StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel to = FileChannel.open(log.rotated(1), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long position = copied;
            for (int round = 0; round < CATCH_UP_ROUNDS && from.size() > position; round++) {
                position += transfer(from, position, from.size() - position, to);
            }
            from.truncate(0);
        }
    }

    private static long transfer(FileChannel from, long position, long length, FileChannel to) throws IOException {
        long done = 0;
        while (done < length) {
            long n = from.transferTo(position + done, length - done, to);
            if (n <= 0) {
                throw new IOException("the live file ended after " + (position + done) + " bytes");
            }
            done += n;
        }
        return done;
    }

    private boolean liveStartsWith(Path part) throws IOException {
        try (InputStream a = Files.newInputStream(part); InputStream b = Files.newInputStream(log.live())) {
            byte[] x = new byte[64 * 1024];
            byte[] y = new byte[64 * 1024];
            while (true) {
                int n = a.readNBytes(x, 0, x.length);
                if (n == 0) {
                    return true;
                }
                if (b.readNBytes(y, 0, n) != n || !Arrays.equals(x, 0, n, y, 0, n)) {
                    return false;
                }
            }
        }
    }

    private static long blockSize(Path live) {
        try {
            Path dir = live.toAbsolutePath().getParent();
            long size = Files.getFileStore(Files.exists(live) ? live : dir).getBlockSize();
            return size > 0 ? size : DEFAULT_BLOCK;
        } catch (IOException | UnsupportedOperationException e) {
            return DEFAULT_BLOCK;
        }
    }
}
