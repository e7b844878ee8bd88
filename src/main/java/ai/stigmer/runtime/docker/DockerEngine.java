package ai.stigmer.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DefaultDockerCmdExecFactory;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.SSLConfig;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The connection to one Docker engine: two clients over the same socket, a hard deadline on every
 * call, and the translation of transport failures into {@link EngineUnreachableException}.
 *
 * <p>Every call runs under a {@link CallDeadline} on the calling thread: {@link #RESPONSE_TIMEOUT}
 * for questions (inspects, the image check), {@link #WORK_TIMEOUT} for calls that make the engine
 * work (create, start, remove), and a deadline of the caller's for the calls that legitimately take
 * long ({@code docker stop}, the container wait). A call past its deadline ends with "no answer
 * within N s", also on a {@code unix://} socket, where the HTTP client's own timeouts do not hold.
 * {@link #quick()} carries the response timeout as well: on {@code tcp://} a socket read does not
 * heed the deadline's interrupt, and that timeout (of each read) is what bounds every call made
 * with it there. {@link #patient()} has none, for the long calls (the stop, the wait).
 */
final class DockerEngine implements AutoCloseable {

    /** Every container stigmer creates carries {@code ai.stigmer.managed=true}. */
    static final String MANAGED_LABEL = "ai.stigmer.managed";
    /** ... and {@code ai.stigmer.component=<component>}. */
    static final String COMPONENT_LABEL = "ai.stigmer.component";
    /** ... and {@code ai.stigmer.home=<home id>}: the install that owns it (never another's). */
    static final String HOME_LABEL = ai.stigmer.runtime.InstanceMarker.HOME_LABEL;
    /** ... and the digests of the command and env it was created with ({@code SpecDigest}). */
    static final String COMMAND_LABEL = "ai.stigmer.command";
    static final String ENV_LABEL = "ai.stigmer.env";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(5);
    /** For create, start and remove: on a loaded machine a container start can take seconds. */
    static final Duration WORK_TIMEOUT = Duration.ofSeconds(20);

    private final URI host;
    private final ObjectMapper json;
    private final DockerClient quick;
    private final DockerClient patient;
    private final DockerHttpClient patientHttp;

    DockerEngine(URI host) {
        this.host = host;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.toString())
                .build();
        // One ObjectMapper for both clients: each DockerClientImpl would otherwise copy its own and
        // fill its own serializer caches for the same model classes (about half a megabyte of heap).
        this.json = config.getObjectMapper();
        this.quick = client(config, json, http(config, RESPONSE_TIMEOUT));
        this.patientHttp = http(config, null);
        this.patient = client(config, json, patientHttp);
    }

    /** {@code $DOCKER_HOST}, else the default socket. */
    static URI defaultHost() {
        String env = System.getenv("DOCKER_HOST");
        return URI.create(env == null || env.isBlank() ? "unix:///var/run/docker.sock" : env.trim());
    }

    private static DockerHttpClient http(DefaultDockerClientConfig config, Duration responseTimeout) {
        SSLConfig tls = config.getSSLConfig();
        if (tls == null && !"tcp".equals(config.getDockerHost().getScheme())) {
            tls = SocketWithoutTls.CONFIG; // or the transport loads the system's trust store for nothing
        }
        return new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(tls)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(responseTimeout)
                .build();
    }

    private static DockerClient client(DefaultDockerClientConfig config, ObjectMapper json, DockerHttpClient http) {
        return DockerClientImpl.getInstance(config).withDockerCmdExecFactory(new DefaultDockerCmdExecFactory(http, json));
    }

    URI host() {
        return host;
    }

    DockerClient quick() {
        return quick;
    }

    DockerClient patient() {
        return patient;
    }

    /** Asks the engine a question ({@link #RESPONSE_TIMEOUT}); see {@link #call(Duration, String, Supplier)}. */
    <T> T call(Supplier<T> call) {
        return call(RESPONSE_TIMEOUT, "", call);
    }

    /**
     * Runs one Engine API call on this thread, ended at {@code deadline} ("no answer [to
     * {@code awaited}] within N s"). An HTTP error from the engine stays a {@link DockerException};
     * a failure to reach the engine at all, or no answer in time, becomes an
     * {@link EngineUnreachableException}.
     */
    <T> T call(Duration deadline, String awaited, Supplier<T> call) {
        CallDeadline limit = CallDeadline.arm(deadline);
        try {
            return call.get();
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            if (limit.fired()) {
                throw new EngineUnreachableException(host, noAnswer(awaited, deadline), e);
            }
            String reason = transportFailure(e);
            if (reason == null) {
                throw e;
            }
            throw new EngineUnreachableException(host, reason, e);
        } finally {
            limit.close();
        }
    }

    void run(Runnable call) {
        run(RESPONSE_TIMEOUT, "", call);
    }

    void run(Duration deadline, String awaited, Runnable call) {
        call(deadline, awaited, () -> {
            call.run();
            return null;
        });
    }

    private static String noAnswer(String awaited, Duration deadline) {
        return "no answer" + (awaited.isEmpty() ? "" : " to " + awaited) + " within " + deadline.toSeconds() + " s";
    }

    /**
     * Waits up to {@code slice} for the container to stop ({@code POST /containers/{id}/wait}) and
     * returns its exit code, or empty if it still ran when the slice was over (or the engine did
     * not answer in that time: only an inspect can tell the two apart). Made on this thread, so that
     * the slice's end closes the connection; docker-java's own wait streams on a thread of its own
     * that a silent engine would hold for ever.
     *
     * @throws NotFoundException if the engine does not know the container
     */
    OptionalInt awaitExit(String id, Duration slice) {
        CallDeadline limit = CallDeadline.arm(slice);
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST)
                .path("/containers/" + id + "/wait")
                .build();
        try (DockerHttpClient.Response response = patientHttp.execute(request)) {
            String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() == 404) {
                throw new NotFoundException(body);
            }
            if (response.getStatusCode() != 200) {
                throw new DockerException(body, response.getStatusCode());
            }
            return OptionalInt.of(json.readTree(body).path("StatusCode").asInt());
        } catch (DockerException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (limit.fired()) {
                return OptionalInt.empty();
            }
            String reason = transportFailure(e);
            throw reason == null ? new IllegalStateException("the wait on container " + shortId(id) + " failed", e)
                    : new EngineUnreachableException(host, reason, e);
        } finally {
            limit.close();
        }
    }

    /** The container, or empty if the engine does not know it. */
    Optional<InspectContainerResponse> inspect(String idOrName) {
        try {
            return Optional.of(call(() -> quick.inspectContainerCmd(idOrName).exec()));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** True if the container carries our labels: this home's and this component's. */
    static boolean ours(InspectContainerResponse container, String homeId, String component) {
        Map<String, String> labels = labels(container);
        return "true".equals(labels.get(MANAGED_LABEL)) && component.equals(labels.get(COMPONENT_LABEL))
                && homeId.equals(labels.get(HOME_LABEL));
    }

    /**
     * Why a container is not ours ("it belongs to another stigmer home, ..."); "" if it is ours. A
     * container of a stigmer without home labels (before they existed) counts as foreign: which
     * install made it cannot be told, and taking another install's container is the one thing never
     * to do.
     */
    static String foreignReason(InspectContainerResponse container, String homeId, String component) {
        Map<String, String> labels = labels(container);
        if (!"true".equals(labels.get(MANAGED_LABEL))) {
            return "it lacks the label " + MANAGED_LABEL + "=true";
        }
        String home = labels.get(HOME_LABEL);
        if (home == null || home.isEmpty()) {
            return "it has no " + HOME_LABEL + " label (made by an older stigmer, whose install cannot be told)";
        }
        if (!home.equals(homeId)) {
            return "it belongs to another stigmer home, " + HOME_LABEL + "=" + home + " (this home is " + homeId + ")";
        }
        if (!component.equals(labels.get(COMPONENT_LABEL))) {
            return "it belongs to component " + labels.get(COMPONENT_LABEL) + " of this home, not to " + component;
        }
        return "";
    }

    /** The container's name without Docker's leading slash. */
    static String name(InspectContainerResponse container) {
        String name = container.getName();
        return name == null ? "" : name.startsWith("/") ? name.substring(1) : name;
    }

    static Map<String, String> labels(InspectContainerResponse container) {
        Map<String, String> labels = container.getConfig() == null ? null : container.getConfig().getLabels();
        return labels == null ? Map.of() : labels;
    }

    /** Running as SPEC §2 means it: started, and neither paused nor restarting. */
    static boolean running(InspectContainerResponse container) {
        var state = container.getState();
        return started(container) && !Boolean.TRUE.equals(state.getPaused())
                && !Boolean.TRUE.equals(state.getRestarting());
    }

    /** Started and not yet stopped (a paused container is still started). */
    static boolean started(InspectContainerResponse container) {
        return container.getState() != null && Boolean.TRUE.equals(container.getState().getRunning());
    }

    /** The HEALTHCHECK status ({@code starting}, {@code healthy}, {@code unhealthy}), or "" without one. */
    static String health(InspectContainerResponse container) {
        var state = container.getState();
        if (state == null || state.getHealth() == null || state.getHealth().getStatus() == null) {
            return "";
        }
        return state.getHealth().getStatus();
    }

    /** How long the container has run, from its State.StartedAt; zero if that cannot be read. */
    static Duration age(InspectContainerResponse container) {
        try {
            java.time.Instant started = java.time.Instant.parse(container.getState().getStartedAt());
            Duration age = Duration.between(started, java.time.Instant.now());
            return age.isNegative() ? Duration.ZERO : age;
        } catch (RuntimeException e) {
            return Duration.ZERO;
        }
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /**
     * Says in a few words why the engine could not be reached, or returns null when the failure is
     * not one of transport (an I/O error somewhere in the cause chain).
     */
    static String transportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s";
            }
            if (t instanceof IOException) {
                return plain(t);
            }
        }
        return null;
    }

    private static String plain(Throwable io) {
        String message = String.valueOf(io.getMessage()).toLowerCase();
        for (Throwable t = io; t != null; t = t.getCause()) {
            message += " " + String.valueOf(t.getMessage()).toLowerCase();
        }
        if (message.contains("no such file") || message.contains("errno 2") || message.contains("error code 2")) {
            return "no such socket";
        }
        if (message.contains("refused") || message.contains("error code 111")) {
            return "connection refused";
        }
        if (message.contains("permission denied") || message.contains("error code 13")) {
            return "permission denied";
        }
        if (message.contains("timed out") || message.contains("timeout")) {
            return "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        String raw = io.getMessage();
        return raw == null || raw.isBlank() ? io.getClass().getSimpleName() : raw;
    }

    @Override
    public void close() {
        for (DockerClient client : new DockerClient[] {quick, patient}) {
            try {
                client.close();
            } catch (IOException e) {
                // nothing left to do with a client we are dropping
            }
        }
    }
}
