package ai.stigmer.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code grpc} check's client: the unary call {@code /grpc.health.v1.Health/Check} over HTTP/2
 * cleartext with prior knowledge, on the JDK alone. grpc-java's client (its Netty transport, Guava and
 * protobuf: some 1,500 classes and 14 MB of the daemon's memory) to send one small request every few
 * seconds was most of the daemon's weight; this is two classes and the JDK's HPACK decoder.
 *
 * <p>A connection of its own for each call, closed once the call is answered: nothing stays open
 * between runs, so no thread waits on an idle connection (a daemon's threads stay independent of its
 * grpc checks) and a server's graceful stop, which waits for its open connections to answer a PING,
 * never waits on the daemon. A connection on loopback every period costs far less than a thread for
 * each check. A call that the server went away from (GOAWAY, a close at its maximum age) before it
 * took it goes once more on a new connection, within the same deadline. Every read is bounded by the
 * call's deadline; one call at a time.
 */
final class GrpcHealthClient implements AutoCloseable {
    static final String HPACK_EXPORT = "--add-exports=java.net.http/jdk.internal.net.http.hpack=ALL-UNNAMED";
    private static final String PATH = "/grpc.health.v1.Health/Check";
    /** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
    private static final String[] SERVING_STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    private static final int SERVING = 1;
    /** io.grpc.Status.Code, by number (the gRPC status codes of the protocol). */
    private static final String[] CODES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    private static final int DEADLINE_EXCEEDED = 4;

    private final String host;
    private final int port;
    private final byte[] request;
    private final ReentrantLock calling = new ReentrantLock();
    private final AtomicInteger connectionsOpened = new AtomicInteger();
    /** Written under {@link #calling}; read by {@link #close()}, which may come from another thread. */
    private volatile Http2Connection connection;
    private volatile boolean closed;

    GrpcHealthClient(String host, int port, String service) {
        this.host = host;
        this.port = port;
        this.request = grpcMessage(healthCheckRequest(service));
    }

    /**
     * Loads what a call needs (these classes and the JDK's HPACK), so that the first run does not.
     * Fails when the JVM lacks {@value #HPACK_EXPORT}.
     */
    void prepare() {
        if (hpackReachable() != null) {
            return; // every run says so
        }
        Http2Connection.encodeHeaders(headers(System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
        new jdk.internal.net.http.hpack.Decoder(256);
    }

    /**
     * One health call, answered by {@code deadline} ({@link System#nanoTime()}): passed on SERVING;
     * else failed with the serving status, {@code timeout}, or the gRPC status code and description.
     */
    CheckResult check(long deadline) {
        String unreachable = hpackReachable();
        if (unreachable != null) {
            return CheckResult.fail(unreachable);
        }
        try {
            if (!calling.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return CheckResult.fail("timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the pool's timeout: the run is over
            return CheckResult.fail("timeout");
        }
        try {
            return call(deadline);
        } finally {
            dropConnection(); // answered: its reader thread ends with it
            calling.unlock();
        }
    }

    /** Under {@link #calling}. */
    private CheckResult call(long deadline) {
        for (int attempt = 1; ; attempt++) {
            if (closed) {
                return CheckResult.fail("the check is closed");
            }
            Http2Connection current = connection;
            boolean reused = current != null && current.usable();
            try {
                if (!reused) {
                    dropConnection();
                    current = Http2Connection.open(host, port, deadline);
                    connectionsOpened.incrementAndGet();
                    connection = current;
                    if (closed) {
                        current.close();
                        return CheckResult.fail("the check is closed");
                    }
                }
                Http2Connection.Response response = current.exchange(headers(deadline), request, deadline);
                boolean unanswered = response.refused || response.resetCode == Http2Connection.REFUSED_STREAM
                        || response.connectionClosed;
                if (!current.usable()) {
                    dropConnection();
                }
                if (unanswered && attempt == 1) {
                    // The server went away from the connection before it took the call, or closed it
                    // before the answer's end (a connection at its maximum age): the call only asks,
                    // so it goes once more, on a new connection, within the same deadline.
                    continue;
                }
                return answer(response);
            } catch (SocketTimeoutException e) {
                dropConnection(); // a late answer must not meet the next call on this connection
                return CheckResult.fail("timeout");
            } catch (ProtocolException e) {
                dropConnection();
                return CheckResult.fail("INTERNAL: " + e.getMessage());
            } catch (IOException e) {
                dropConnection();
                if (closed) {
                    return CheckResult.fail("the check is closed");
                }
                if (reused && attempt == 1 && !(e instanceof ConnectException)) {
                    continue; // the connection died between calls (a restarted server): once more, anew
                }
                return CheckResult.fail("UNAVAILABLE: io exception (" + describe(e) + ")");
            }
        }
    }

    private CheckResult answer(Http2Connection.Response response) {
        if (response.refused) {
            return CheckResult.fail("UNAVAILABLE: the server went away (GOAWAY "
                    + Http2Connection.errorCode(response.goAwayCode) + ") before it took the call");
        }
        if (response.resetCode >= 0) {
            String description = "RST_STREAM closed stream. HTTP/2 error code: " + Http2Connection.errorCode(response.resetCode);
            return CheckResult.fail(switch (response.resetCode) {
                case Http2Connection.REFUSED_STREAM -> "UNAVAILABLE: " + description;
                case 0x8 -> "CANCELLED: " + description;
                case 0xb -> "RESOURCE_EXHAUSTED: " + description;
                default -> "INTERNAL: " + description;
            });
        }
        if (response.connectionClosed) {
            return CheckResult.fail("UNAVAILABLE: the server closed the connection before it answered");
        }
        Map<String, String> headers = response.headers == null ? Map.of() : response.headers;
        Map<String, String> trailers = response.trailers != null ? response.trailers : headers; // trailers-only
        String grpcStatus = trailers.get("grpc-status");
        if (grpcStatus == null) {
            String httpStatus = headers.get(":status");
            if (httpStatus != null && !httpStatus.equals("200")) {
                return CheckResult.fail(httpCode(httpStatus) + ": HTTP status code " + httpStatus);
            }
            return CheckResult.fail("INTERNAL: the response ended without a grpc-status");
        }
        int code;
        try {
            code = Integer.parseInt(grpcStatus.trim());
        } catch (NumberFormatException e) {
            return CheckResult.fail("UNKNOWN: grpc-status " + grpcStatus);
        }
        if (code != 0) {
            if (code == DEADLINE_EXCEEDED) {
                return CheckResult.fail("timeout");
            }
            String message = percentDecode(trailers.getOrDefault("grpc-message", ""));
            String name = code < CODES.length ? CODES[code] : "UNKNOWN";
            return CheckResult.fail(message.isEmpty() ? name : name + ": " + message);
        }
        int status = servingStatus(response.message.toByteArray());
        if (status == SERVING) {
            return CheckResult.pass();
        }
        if (status == -1) {
            return CheckResult.fail("INTERNAL: the response is not one HealthCheckResponse");
        }
        return CheckResult.fail(status < SERVING_STATUS.length ? SERVING_STATUS[status] : "UNRECOGNIZED");
    }

    private LinkedHashMap<String, String> headers(long deadline) {
        LinkedHashMap<String, String> headers = new LinkedHashMap<>();
        headers.put(":method", "POST");
        headers.put(":scheme", "http");
        headers.put(":path", PATH);
        headers.put(":authority", (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
        headers.put("content-type", "application/grpc");
        headers.put("te", "trailers");
        headers.put("grpc-timeout", grpcTimeout(deadline - System.nanoTime()));
        return headers;
    }

    /** The grpc-timeout header: at most 8 digits and a unit (the gRPC over HTTP/2 protocol). */
    static String grpcTimeout(long nanos) {
        long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos));
        if (micros <= 99_999_999L) {
            return micros + "u";
        }
        return Math.min(99_999_999L, TimeUnit.MICROSECONDS.toMillis(micros)) + "m";
    }

    /** grpc.health.v1.HealthCheckRequest: field 1, {@code service}, a string (absent when empty, as proto3 writes it). */
    static byte[] healthCheckRequest(String service) {
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream message = new ByteArrayOutputStream(name.length + 6);
        if (name.length > 0) {
            message.write(0x0A); // field 1, wire type 2 (length-delimited)
            for (int n = name.length; ; n >>>= 7) {
                if (n < 0x80) {
                    message.write(n);
                    break;
                }
                message.write((n & 0x7f) | 0x80);
            }
            message.write(name, 0, name.length);
        }
        return message.toByteArray();
    }

    /** A gRPC length-prefixed message: not compressed, 4 bytes of length, the message. */
    static byte[] grpcMessage(byte[] message) {
        byte[] framed = new byte[5 + message.length];
        framed[1] = (byte) (message.length >>> 24);
        framed[2] = (byte) (message.length >>> 16);
        framed[3] = (byte) (message.length >>> 8);
        framed[4] = (byte) message.length;
        System.arraycopy(message, 0, framed, 5, message.length);
        return framed;
    }

    /**
     * The {@code status} of the one HealthCheckResponse in a gRPC response body (0, UNKNOWN, when the
     * field is absent, as proto3 writes it), or -1 when the body is not one uncompressed message.
     */
    static int servingStatus(byte[] body) {
        if (body.length < 5 || body[0] != 0) {
            return -1;
        }
        long length = ((body[1] & 0xffL) << 24) | ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
        if (length != body.length - 5) {
            return -1;
        }
        int status = 0;
        int[] at = {5};
        while (at[0] < body.length) {
            long tag = varint(body, at);
            if (tag < 0) {
                return -1;
            }
            switch ((int) (tag & 7)) {
                case 0 -> {
                    long value = varint(body, at);
                    if (value < 0) {
                        return -1;
                    }
                    if (tag >>> 3 == 1) {
                        status = (int) Math.min(Integer.MAX_VALUE, value);
                    }
                }
                case 1 -> at[0] += 8;
                case 2 -> {
                    long skip = varint(body, at);
                    if (skip < 0 || skip > body.length) {
                        return -1;
                    }
                    at[0] += (int) skip;
                }
                case 5 -> at[0] += 4;
                default -> {
                    return -1;
                }
            }
            if (at[0] > body.length) {
                return -1;
            }
        }
        return status;
    }

    /** A protobuf varint at {@code at[0]}, which moves past it; -1 when it is cut short or too long. */
    private static long varint(byte[] bytes, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                return -1;
            }
            byte b = bytes[at[0]++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value & Long.MAX_VALUE;
            }
        }
        return -1;
    }

    /** grpc-message is percent-encoded UTF-8. */
    static String percentDecode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            bytes.write(raw, 0, raw.length);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The gRPC code of an HTTP status that came without a grpc-status (gRPC's http-grpc-status-mapping). */
    private static String httpCode(String status) {
        return switch (status) {
            case "400" -> "INTERNAL";
            case "401" -> "UNAUTHENTICATED";
            case "403" -> "PERMISSION_DENIED";
            case "404" -> "UNIMPLEMENTED";
            case "429", "502", "503", "504" -> "UNAVAILABLE";
            default -> "UNKNOWN";
        };
    }

    private static String describe(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Null when the JDK's HPACK is open to us, else why not (bin/stigmer and the build open it). */
    private static String hpackReachable() {
        return HPACK_UNREACHABLE;
    }

    private static final String HPACK_UNREACHABLE = ModuleLayer.boot().findModule("java.net.http")
            .filter(m -> m.isExported("jdk.internal.net.http.hpack", GrpcHealthClient.class.getModule()))
            .isPresent() ? null : "the JVM was started without " + HPACK_EXPORT;

    /** Connections opened so far (tests: one for each call, and one more for a call sent again). */
    int connectionsOpened() {
        return connectionsOpened.get();
    }

    private void dropConnection() {
        Http2Connection old = connection;
        connection = null;
        if (old != null) {
            old.close();
        }
    }

    /** Closes the connection; a call under way ends at once, and later calls fail. */
    @Override
    public void close() {
        closed = true;
        dropConnection();
    }
}
