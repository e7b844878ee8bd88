package ai.stigmer.probe;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.internal.net.http.hpack.Decoder;
import jdk.internal.net.http.hpack.DecodingCallback;

/**
 * One HTTP/2 connection over cleartext TCP with prior knowledge (RFC 9113 §3.3), as the {@code grpc}
 * check's client needs it: one request at a time, each on a new stream. A thread of its own
 * ({@code stigmer-grpc-HOST:PORT}) reads the connection for as long as it is open, so that the
 * server's PINGs, SETTINGS and GOAWAY are answered between calls too: a server stopping gracefully
 * (GOAWAY, then a PING it waits to see answered) is not held for its grace period by an idle
 * connection of ours. The caller waits for its stream's answer by its deadline, no longer.
 *
 * <p>The server's header blocks are decoded with the JDK's own HPACK decoder (static and dynamic
 * tables, Huffman), which {@code --add-exports=java.net.http/jdk.internal.net.http.hpack=ALL-UNNAMED}
 * opens to this class. Requests are encoded here: literal fields without indexing or Huffman.
 */
final class Http2Connection implements AutoCloseable {
    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;

    static final int REFUSED_STREAM = 0x7;
    private static final String[] ERROR_CODES = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
        "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** SETTINGS_MAX_FRAME_SIZE's default, which we never raise: no frame of the server's is longer. */
    private static final int MAX_FRAME = 16_384;
    /** The HPACK table size we leave at its default (SETTINGS_HEADER_TABLE_SIZE). */
    private static final int HEADER_TABLE_SIZE = 4_096;
    /** Received DATA is given back to the flow-control windows once this much has come (half the initial 64 KiB). */
    private static final int WINDOW_RETURN = 32_768;
    /** A response message longer than this is refused: a health answer is a few bytes. */
    private static final int MAX_MESSAGE = 1 << 20;
    private static final int MAX_STREAM_ID = Integer.MAX_VALUE;

    private final Socket socket;
    private final DataInputStream in;
    /** Written by the caller (requests) and the reader (acknowledgements, window updates), under its own lock. */
    private final OutputStream out;
    /** Only the reader thread decodes. */
    private final Decoder hpack = new Decoder(HEADER_TABLE_SIZE);
    /** Only the caller, one call at a time ({@link GrpcHealthClient}). */
    private int nextStreamId = 1;
    /** The server said GOAWAY, or the connection ended: no new stream goes on it. */
    private volatile boolean spent;
    /** Why the reader stopped, when the connection failed rather than ended; set before {@link #spent}. */
    private volatile IOException failure;
    /** The stream being answered, or null; set by the caller, filled in and completed by the reader. */
    private volatile Response current;
    private int connectionDataUnreturned;

    private Http2Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 4096));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 1024);
    }

    /**
     * Connects and sends the preface and our SETTINGS (server push off). The server's SETTINGS are
     * read and acknowledged along with the first response, as RFC 9113 §3.4 allows.
     *
     * @throws SocketTimeoutException when the deadline passes first
     */
    static Http2Connection open(String host, int port, long deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), millisLeft(deadline));
            Http2Connection connection = new Http2Connection(socket);
            synchronized (connection.out) {
                connection.out.write(PREFACE);
                byte[] settings = {0x0, 0x2, 0, 0, 0, 0}; // SETTINGS_ENABLE_PUSH = 0
                connection.writeFrame(SETTINGS, 0, 0, settings);
                connection.out.flush();
            }
            Thread reader = new Thread(connection::readFrames, "stigmer-grpc-" + host + ":" + port);
            reader.setDaemon(true);
            reader.start();
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Whether a new stream may start here: no GOAWAY, no failure, stream ids left. */
    boolean usable() {
        return !spent && !socket.isClosed() && nextStreamId <= MAX_STREAM_ID - 2 && nextStreamId > 0;
    }

    /**
     * Sends one request (HEADERS, then DATA with END_STREAM) on a new stream and waits for that
     * stream to end, by {@code deadline} at the latest.
     *
     * @param headers the request's header fields, in order, pseudo-headers first
     * @throws SocketTimeoutException when the deadline passes (or the waiting thread is interrupted);
     *     the connection is then of no more use
     * @throws IOException when the connection fails or the server breaks the protocol
     */
    Response exchange(Map<String, String> headers, byte[] body, long deadline) throws IOException {
        Response response = new Response(nextStreamId);
        nextStreamId += 2;
        current = response;
        try {
            if (spent) {
                IOException failed = failure;
                throw failed != null ? failed : new IOException("the connection is closed");
            }
            synchronized (out) {
                writeFrame(HEADERS, FLAG_END_HEADERS, response.stream, encodeHeaders(headers));
                writeFrame(DATA, FLAG_END_STREAM, response.stream, body);
                out.flush();
            }
            return response.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            spent = true;
            throw new SocketTimeoutException("deadline passed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pool's timeout: the run is over
            spent = true;
            throw new SocketTimeoutException("interrupted");
        } catch (ExecutionException e) {
            spent = true;
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (IOException | RuntimeException e) {
            spent = true;
            throw e;
        } finally {
            current = null;
        }
    }

    /** The reader thread: every frame of the connection, until it ends. */
    private void readFrames() {
        try {
            readUntilClosed();
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException(e);
            spent = true;
            Response waiting = current;
            if (waiting != null) {
                waiting.done.completeExceptionally(e);
            }
        } finally {
            close();
        }
    }

    private void readUntilClosed() throws IOException {
        ByteArrayOutputStream block = null; // a header block still awaiting its CONTINUATION frames
        int blockStream = 0;
        boolean blockEndsStream = false;
        while (true) {
            int length;
            try {
                length = readUnsigned24();
            } catch (EOFException e) {
                spent = true;
                Response waiting = current;
                if (waiting != null) {
                    waiting.connectionClosed = true;
                    waiting.done.complete(waiting);
                }
                return;
            }
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int streamId = in.readInt() & 0x7fff_ffff;
            if (length > MAX_FRAME) {
                throw new ProtocolException("HTTP/2 protocol error: a frame of " + length + " bytes (type " + type
                        + "), above " + MAX_FRAME + "; is this an HTTP/2 server?");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (block != null && type != CONTINUATION) {
                throw new ProtocolException("HTTP/2 protocol error: a header block without its CONTINUATION");
            }
            Response response = current;
            Response ours = response != null && response.stream == streamId && !response.done.isDone() ? response : null;
            switch (type) {
                case DATA -> {
                    connectionDataUnreturned += length;
                    synchronized (out) {
                        if (ours != null) {
                            ours.received = true;
                            ours.dataUnreturned += length;
                            byte[] data = unpad(payload, flags);
                            if (ours.message.size() + data.length > MAX_MESSAGE) {
                                throw new ProtocolException("a response of more than " + MAX_MESSAGE + " bytes");
                            }
                            ours.message.write(data);
                            if ((flags & FLAG_END_STREAM) != 0) {
                                ours.done.complete(ours); // without trailers: the client says what is missing
                            } else if (ours.dataUnreturned >= WINDOW_RETURN) {
                                writeWindowUpdate(streamId, ours.dataUnreturned);
                                ours.dataUnreturned = 0;
                            }
                        }
                        if (connectionDataUnreturned >= WINDOW_RETURN) {
                            writeWindowUpdate(0, connectionDataUnreturned);
                            connectionDataUnreturned = 0;
                        }
                        out.flush();
                    }
                }
                case HEADERS -> {
                    byte[] fragment = headerFragment(payload, flags);
                    block = new ByteArrayOutputStream(Math.max(64, fragment.length));
                    block.write(fragment);
                    blockStream = streamId;
                    blockEndsStream = (flags & FLAG_END_STREAM) != 0;
                }
                case CONTINUATION -> {
                    if (block == null || streamId != blockStream) {
                        throw new ProtocolException("HTTP/2 protocol error: CONTINUATION out of place");
                    }
                    block.write(payload);
                }
                case SETTINGS -> {
                    if ((flags & FLAG_ACK) == 0) {
                        if (length % 6 != 0) {
                            throw new ProtocolException("HTTP/2 protocol error: SETTINGS of " + length + " bytes");
                        }
                        synchronized (out) {
                            writeFrame(SETTINGS, FLAG_ACK, 0, new byte[0]);
                            out.flush();
                        }
                    }
                }
                case PING -> {
                    if ((flags & FLAG_ACK) == 0) {
                        synchronized (out) {
                            writeFrame(PING, FLAG_ACK, 0, payload);
                            out.flush();
                        }
                    }
                }
                case RST_STREAM -> {
                    if (ours != null && length == 4) {
                        ours.resetCode = ByteBuffer.wrap(payload).getInt();
                        ours.done.complete(ours);
                    }
                }
                case GOAWAY -> {
                    spent = true;
                    if (length >= 8) {
                        ByteBuffer goAway = ByteBuffer.wrap(payload);
                        int lastStream = goAway.getInt() & 0x7fff_ffff;
                        int code = goAway.getInt();
                        if (response != null && !response.done.isDone() && lastStream < response.stream) {
                            response.goAwayCode = code;
                            response.refused = true; // never processed: it may go again elsewhere
                            response.done.complete(response);
                        }
                    }
                }
                case PUSH_PROMISE -> throw new ProtocolException("HTTP/2 protocol error: PUSH_PROMISE, push is off");
                default -> {
                    // WINDOW_UPDATE (our request is a few bytes), PRIORITY, and unknown types are ignored (§4.1, §5.5).
                }
            }
            if (block != null && (type == HEADERS || type == CONTINUATION) && (flags & FLAG_END_HEADERS) != 0) {
                // Every header block goes through the decoder, whatever its stream: the table is the connection's.
                Map<String, String> fields = decode(block.toByteArray());
                block = null;
                Response to = current;
                if (to != null && to.stream == blockStream && !to.done.isDone()) {
                    to.received = true;
                    if (to.headers == null) {
                        to.headers = fields;
                    } else {
                        to.trailers = fields;
                    }
                    if (blockEndsStream) {
                        to.done.complete(to);
                    }
                }
            }
        }
    }

    private Map<String, String> decode(byte[] block) throws IOException {
        Map<String, String> fields = new HashMap<>();
        DecodingCallback collect = (name, value) -> fields.put(name.toString(), value.toString());
        hpack.decode(ByteBuffer.wrap(block), true, collect);
        return fields;
    }

    private static byte[] headerFragment(byte[] payload, int flags) throws ProtocolException {
        int start = 0;
        int end = payload.length;
        if ((flags & FLAG_PADDED) != 0) {
            if (payload.length < 1) {
                throw new ProtocolException("HTTP/2 protocol error: padded HEADERS without its pad length");
            }
            start = 1;
            end -= payload[0] & 0xff;
        }
        if ((flags & FLAG_PRIORITY) != 0) {
            start += 5;
        }
        if (end < start) {
            throw new ProtocolException("HTTP/2 protocol error: HEADERS padding longer than the frame");
        }
        return java.util.Arrays.copyOfRange(payload, start, end);
    }

    private static byte[] unpad(byte[] payload, int flags) throws ProtocolException {
        if ((flags & FLAG_PADDED) == 0) {
            return payload;
        }
        int pad = payload.length < 1 ? Integer.MAX_VALUE : payload[0] & 0xff;
        if (1 + pad > payload.length) {
            throw new ProtocolException("HTTP/2 protocol error: DATA padding longer than the frame");
        }
        return java.util.Arrays.copyOfRange(payload, 1, payload.length - pad);
    }

    /** HPACK (RFC 7541): every field a literal without indexing (§6.2.2), no Huffman; new names. */
    static byte[] encodeHeaders(Map<String, String> headers) {
        ByteArrayOutputStream block = new ByteArrayOutputStream(128);
        headers.forEach((name, value) -> {
            block.write(0x00);
            writeString(block, name);
            writeString(block, value);
        });
        return block.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        writeInteger(block, bytes.length, 7, 0x00); // H = 0: raw octets
        block.write(bytes, 0, bytes.length);
    }

    /** An HPACK integer with an N-bit prefix (RFC 7541 §5.1). */
    private static void writeInteger(ByteArrayOutputStream block, int value, int prefixBits, int firstBits) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(firstBits | value);
            return;
        }
        block.write(firstBits | max);
        value -= max;
        while (value >= 0x80) {
            block.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        block.write(value);
    }

    private void writeWindowUpdate(int stream, int increment) throws IOException {
        writeFrame(WINDOW_UPDATE, 0, stream, ByteBuffer.allocate(4).putInt(increment).array());
    }

    private void writeFrame(int type, int flags, int stream, byte[] payload) throws IOException {
        // Our frames are a few hundred bytes at most, which the socket's send buffer takes whole:
        // a write never waits for a server that does not read.
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.write(payload);
    }

    private int readUnsigned24() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException();
        }
        return first << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
    }

    static String errorCode(int code) {
        return code >= 0 && code < ERROR_CODES.length ? ERROR_CODES[code] : "0x" + Integer.toHexString(code);
    }

    /** Milliseconds left until {@code deadline} (System.nanoTime), at least 1: 0 means "forever" to sockets. */
    static int millisLeft(long deadline) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
    }

    @Override
    public void close() {
        spent = true;
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to do with it
        }
    }

    /**
     * What came back on one stream: written by the reader thread, read by the caller once
     * {@link #done} is complete (which orders the two).
     */
    static final class Response {
        final int stream;
        /** The first header block: {@code :status}, and {@code grpc-status} too in a trailers-only response. */
        Map<String, String> headers;
        /** The header block that ended the stream after DATA: {@code grpc-status}, {@code grpc-message}. */
        Map<String, String> trailers;
        final ByteArrayOutputStream message = new ByteArrayOutputStream(16);
        /** RST_STREAM's error code, or -1. */
        int resetCode = -1;
        /** GOAWAY's error code, or -1. */
        int goAwayCode = -1;
        /** The server's GOAWAY left this stream unprocessed. */
        boolean refused;
        /** The server closed the connection before the stream ended. */
        boolean connectionClosed;
        /** A frame of this stream came. */
        boolean received;
        /** DATA of this stream not yet given back to its flow-control window (the reader's). */
        int dataUnreturned;
        /** Completed by the reader when the stream has ended, one way or another. */
        final CompletableFuture<Response> done = new CompletableFuture<>();

        Response(int stream) {
            this.stream = stream;
        }
    }
}
