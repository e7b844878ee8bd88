package ai.stigmer.logs;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Prints a {@link RotatedLog} and, when asked, follows it across rotations, as {@code tail -F} does
 * but without losing or repeating a byte: both ways of rotating are understood, the daemon's in place
 * (the head moved into {@code NAME.log.1}, the live file collapsed) and log4j's (the live file renamed
 * to {@code NAME.log.1}, a new one begun). A chunk is printed only if no rotation began or ended
 * while it was read ({@code NAME.log.1} is the same file and no marker exists before and after);
 * otherwise it is read again where the rotation moved it. Plain JDK only.
 */
public final class RotatedLogReader {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration MARKER_POLL = Duration.ofMillis(20);
    /** How long a print (not a follow) waits for a rotation to finish before it reads regardless. */
    private static final Duration PRINT_MARKER_WAIT = Duration.ofSeconds(10);
    private static final int CHUNK = 64 * 1024;
    /** Rounds of {@link #MARKER_POLL} that a rename by log4j may take (its parts move one by one). */
    private static final int TRANSIENT_RETRIES = 100;

    private final RotatedLog log;
    private final Writer out;
    private final Writer notes;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final ByteBuffer pending = ByteBuffer.allocate(CHUNK + 16);
    private final CharBuffer chars = CharBuffer.allocate(CHUNK + 16);

    private FileChannel live;
    private Object liveIdentity;
    private long position;
    private Optional<Object> newestPart = Optional.empty();

    /** @param notes where a reader's own remarks go (a rotation it must wait for), not mixed into the log */
    public RotatedLogReader(Path liveFile, Writer out, Writer notes) {
        this.log = new RotatedLog(liveFile);
        this.out = out;
        this.notes = notes;
    }

    /**
     * Prints the live file ({@code withRotated}: the rotated parts first, oldest first); with
     * {@code follow}, keeps printing what is appended until interrupted.
     */
    public void run(boolean withRotated, boolean follow) throws IOException, InterruptedException {
        try {
            open(withRotated, follow);
            while (true) {
                if (readChunk(follow)) {
                    continue;
                }
                out.flush();
                if (!follow) {
                    return;
                }
                Thread.sleep(POLL.toMillis());
                checkForRotation(follow);
            }
        } finally {
            if (live != null) {
                live.close();
            }
            out.flush();
        }
    }

    /**
     * Opens the live file and, with {@code withRotated}, prints the rotated parts: all as of one
     * instant. A live file missing at that moment may be in the middle of a rename (log4j moves it
     * to {@code .1}, then creates it anew): it is looked for again a while, and following, until it is there.
     */
    private void open(boolean withRotated, boolean follow) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            awaitNoRotation(follow);
            Optional<Object> newest = RotatedLog.identity(log.rotated(1));
            Optional<FileChannel> opened = openIfThere(log.live());
            if (opened.isEmpty()) {
                if (!follow && attempt >= TRANSIENT_RETRIES) {
                    throw new NoSuchFileException(log.live().toString());
                }
                Thread.sleep(MARKER_POLL.toMillis());
                continue;
            }
            FileChannel channel = opened.get();
            List<FileChannel> parts = new ArrayList<>();
            try {
                if (withRotated) {
                    for (Path part : log.rotatedOldestFirst()) {
                        openIfThere(part).ifPresent(parts::add);
                    }
                }
                Optional<Object> identity = RotatedLog.identity(log.live());
                if (unchanged(newest) && identity.isPresent()) {
                    for (FileChannel part : parts) {
                        copyFrom(part, 0);
                    }
                    live = channel;
                    liveIdentity = identity.get();
                    newestPart = newest;
                    position = 0;
                    return;
                }
            } finally {
                for (FileChannel part : parts) {
                    part.close();
                }
                if (live != channel) {
                    channel.close();
                }
            }
        }
    }

    /** Reads and prints one chunk of the live file; false at its end. */
    private boolean readChunk(boolean follow) throws IOException, InterruptedException {
        awaitNoRotation(follow);
        Optional<Object> before = RotatedLog.identity(log.rotated(1));
        if (!Objects.equals(before, newestPart)) {
            reconcile(follow);
            return true;
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        int n = live.read(chunk, position);
        if (n <= 0) {
            return false;
        }
        if (!unchanged(before)) {
            reconcile(follow); // a rotation moved the bytes while they were read: read them where they are now
            return true;
        }
        chunk.flip();
        write(chunk);
        position += n;
        return true;
    }

    /** At the end of the live file: has it been rotated, replaced or truncated since? */
    private void checkForRotation(boolean follow) throws IOException, InterruptedException {
        Optional<Object> identity = RotatedLog.identity(log.live());
        if (!RotatedLog.identity(log.rotated(1)).equals(newestPart) || Files.exists(log.marker())
                || (identity.isPresent() && !identity.get().equals(liveIdentity))) {
            reconcile(follow);
        } else if (identity.isPresent() && live.size() < position) {
            note("(" + log.live().getFileName() + " was truncated: reading it from its start)");
            position = 0;
        }
    }

    /**
     * After one or more rotations: the parts published since the last chunk printed, oldest first,
     * followed by the live file, continue the stream where {@link #position} left it.
     */
    private void reconcile(boolean follow) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                Thread.sleep(MARKER_POLL.toMillis());
            }
            awaitNoRotation(follow);
            Optional<Object> newest = RotatedLog.identity(log.rotated(1));
            Optional<Object> identity = RotatedLog.identity(log.live());
            // log4j renames .1 to .2 before the live file to .1, and creates the live file after:
            // in between, wait (a while) for the rename to complete.
            boolean renaming = (newest.isEmpty() && newestPart.isPresent()) || identity.isEmpty();
            if (renaming && attempt < TRANSIENT_RETRIES) {
                continue;
            }
            List<FileChannel> fresh = new ArrayList<>();
            FileChannel current = null;
            try {
                boolean lost = collectNewParts(fresh);
                current = identity.isEmpty() || identity.get().equals(liveIdentity) ? live
                        : openIfThere(log.live()).orElse(null);
                if (current == null || !unchanged(newest) || !RotatedLog.identity(log.live()).equals(identity)) {
                    continue;
                }
                if (lost) {
                    note("(some of " + log.live().getFileName() + " was rotated away before it could be read)");
                }
                boolean replaced = current != live && fresh.isEmpty(); // deleted and made anew, not rotated
                if (replaced) {
                    note("(" + log.live().getFileName() + " was replaced: reading the new file from its start)");
                }
                long skip = lost || replaced ? 0 : position;
                for (FileChannel part : fresh) {
                    long size = part.size();
                    if (skip >= size) {
                        skip -= size;
                    } else {
                        copyFrom(part, skip);
                        skip = 0;
                    }
                }
                if (current != live) {
                    live.close();
                    live = current;
                    liveIdentity = identity.orElseThrow();
                }
                position = Math.min(skip, live.size());
                newestPart = newest;
                return;
            } finally {
                for (FileChannel part : fresh) {
                    part.close();
                }
                if (current != null && current != live) {
                    current.close();
                }
            }
        }
    }

    /**
     * Opens the parts newer than the newest one already known, oldest first; true if that one is no
     * longer among them (deleted by {@code keep} before this reader got to it).
     */
    private boolean collectNewParts(List<FileChannel> fresh) throws IOException {
        List<Path> parts = log.rotatedOldestFirst();
        int known = -1;
        for (int i = 0; i < parts.size() && newestPart.isPresent(); i++) {
            if (RotatedLog.identity(parts.get(i)).equals(newestPart)) {
                known = i;
            }
        }
        for (Path part : parts.subList(known + 1, parts.size())) {
            openIfThere(part).ifPresent(fresh::add);
        }
        return newestPart.isPresent() && known < 0;
    }

    /** True if no rotation is under way and {@code NAME.log.1} is still {@code newest}. */
    private boolean unchanged(Optional<Object> newest) {
        return RotatedLog.identity(log.rotated(1)).equals(newest) && !Files.exists(log.marker());
    }

    /**
     * Waits while a rotation is under way. Following, for as long as it takes (a marker left by a
     * daemon that died is finished by the next one); printing, for {@link #PRINT_MARKER_WAIT} at most.
     */
    private void awaitNoRotation(boolean follow) throws IOException, InterruptedException {
        long started = System.nanoTime();
        boolean noted = false;
        while (Files.exists(log.marker())) {
            long waited = System.nanoTime() - started;
            if (!follow && waited > PRINT_MARKER_WAIT.toNanos()) {
                return;
            }
            Optional<Long> owner = log.markerOwner();
            if (!noted && waited > PRINT_MARKER_WAIT.toNanos() && owner.isPresent()
                    && ProcessHandle.of(owner.get()).isEmpty()) {
                note("(" + log.marker().getFileName() + " was left by a daemon that is gone: waiting for the next"
                        + " daemon to finish that rotation)");
                noted = true;
            }
            Thread.sleep(MARKER_POLL.toMillis());
        }
    }

    private static Optional<FileChannel> openIfThere(Path file) throws IOException {
        try {
            return Optional.of(FileChannel.open(file, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private void copyFrom(FileChannel channel, long from) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long at = from;
        while (true) {
            chunk.clear();
            int n = channel.read(chunk, at);
            if (n <= 0) {
                return;
            }
            at += n;
            chunk.flip();
            write(chunk);
        }
    }

    /** Decodes as UTF-8 across chunks and files: a character split by a rotation is printed whole. */
    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            int take = Math.min(bytes.remaining(), pending.remaining());
            ByteBuffer slice = bytes.slice();
            slice.limit(take);
            pending.put(slice);
            bytes.position(bytes.position() + take);
            pending.flip();
            chars.clear();
            decoder.decode(pending, chars, false);
            pending.compact();
            chars.flip();
            out.append(chars);
        }
    }

    private void note(String text) throws IOException {
        notes.write(text + System.lineSeparator());
        notes.flush();
    }
}
