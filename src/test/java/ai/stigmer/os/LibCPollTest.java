package ai.stigmer.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** poll(2) on pollfds held in a Java array: each entry's returned events, apart from what it asked for. */
class LibCPollTest {
    private static final int O_CLOEXEC = 0x80000;

    @Test
    void onlyTheReadableEntryReturnsPollin() {
        int[] quiet = LibC.pipe2(O_CLOEXEC);
        int[] written = LibC.pipe2(O_CLOEXEC);
        try {
            LibC.write(written[1], new byte[] {'x'}, 1);
            int[] pollFds = LibC.pollFds(LibC.POLLIN, quiet[0], written[0], -1);

            assertEquals(1, LibC.poll(pollFds, 0));

            assertEquals(0, LibC.revents(pollFds, 0), "nothing to read");
            assertEquals(LibC.POLLIN, LibC.revents(pollFds, 1));
            assertEquals(0, LibC.revents(pollFds, 2), "a negative fd is left out");
            assertEquals(1, LibC.poll(pollFds, 0), "the same entries poll again");
        } finally {
            for (int fd : new int[] {quiet[0], quiet[1], written[0], written[1]}) {
                LibC.close(fd);
            }
        }
    }

    @Test
    void aClosedWriterEndIsSeenAsHangUp() {
        int[] pipe = LibC.pipe2(O_CLOEXEC);
        LibC.close(pipe[1]);
        try {
            int[] pollFds = LibC.pollFds(LibC.POLLIN, pipe[0]);
            assertEquals(1, LibC.poll(pollFds, 1_000));
            assertEquals(0x10, LibC.revents(pollFds, 0) & 0x10, "POLLHUP, not asked for, returned");
        } finally {
            LibC.close(pipe[0]);
        }
    }
}
