package ai.stigmer.logs;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A chatty component: writes numbered lines ({@link NumberedLines}) to its stdout, some 4 MB/s at
 * most, whole lines in each write(2), until it has written the bytes asked for; then records the last
 * number in a file and stays up. Arguments: bytes to write, the file for the last number.
 */
public final class NumberedLineWriter {
    private static final int LINES_PER_WRITE = 40;

    private NumberedLineWriter() {}

    public static void main(String[] args) throws Exception {
        long total = Long.parseLong(args[0]);
        Path done = Path.of(args[1]);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        ByteArrayOutputStream batch = new ByteArrayOutputStream(8192);
        long n = 0;
        long written = 0;
        while (written < total) {
            batch.reset();
            for (int i = 0; i < LINES_PER_WRITE; i++) {
                batch.write(NumberedLines.line("w1", ++n).getBytes(StandardCharsets.US_ASCII));
            }
            out.write(batch.toByteArray());
            written += batch.size();
            Thread.sleep(1);
        }
        // Made whole, then moved in place: a reader that sees the file sees the number.
        Path part = done.resolveSibling(done.getFileName() + ".part");
        Files.writeString(part, Long.toString(n));
        Files.move(part, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
    }
}
