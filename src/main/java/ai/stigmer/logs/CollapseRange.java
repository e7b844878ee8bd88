package ai.stigmer.logs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Removes the head of a file in place, atomically, with {@code fallocate(FALLOC_FL_COLLAPSE_RANGE)}
 * (ext4, xfs): the bytes after the range move down, and a writer that appends (O_APPEND) goes on
 * writing at the new end, without reopening and without losing a byte. The kernel holds the inode's
 * lock for the collapse, as it does for each append, so an append lands either wholly before or wholly
 * after it. The length must be a multiple of the filesystem block and must stop short of the end.
 */
final class CollapseRange {
    private interface C extends Library {
        int open(String path, int flags) throws LastErrorException;

        int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_COLLAPSE_RANGE = 0x08;
    private static final int EINVAL = 22;
    private static final int EOPNOTSUPP = 95;
    private static final C LIBC = Native.load("c", C.class);

    private CollapseRange() {}

    /** The filesystem cannot collapse ranges of this file (tmpfs, btrfs, NFS, ...), or not at this alignment. */
    static final class UnsupportedException extends IOException {
        UnsupportedException(String message) {
            super(message);
        }
    }

    /** Removes {@code [0, length)} from {@code file}. */
    static void collapseHead(Path file, long length) throws IOException {
        int fd;
        try {
            fd = LIBC.open(file.toString(), O_WRONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open " + file + ": errno " + e.getErrorCode());
        }
        try {
            LIBC.fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, length);
        } catch (LastErrorException e) {
            int errno = e.getErrorCode();
            if (errno == EOPNOTSUPP || errno == EINVAL) {
                throw new UnsupportedException("the filesystem of " + file + " cannot collapse a range of "
                        + length + " bytes (" + (errno == EINVAL ? "EINVAL" : "EOPNOTSUPP") + ")");
            }
            throw new IOException("fallocate(COLLAPSE_RANGE) of " + file + " failed: errno " + errno);
        } finally {
            try {
                LIBC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing was written through this descriptor
            }
        }
    }
}
