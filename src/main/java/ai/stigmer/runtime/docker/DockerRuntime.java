package ai.stigmer.runtime.docker;

import ai.stigmer.config.DockerSpec;
import ai.stigmer.probe.Check;
import ai.stigmer.runtime.ComponentRuntime;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.LaunchException;
import ai.stigmer.runtime.SpecDigest;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a component as a Docker container through the Engine API (SPEC §8, agent-runner), on
 * {@code $DOCKER_HOST} or else {@code unix:///var/run/docker.sock}.
 *
 * <p>Containers it creates carry the labels {@code ai.stigmer.managed=true},
 * {@code ai.stigmer.component=<component>}, {@code ai.stigmer.home=<home id>} (the install that owns
 * it), and {@code ai.stigmer.command} / {@code ai.stigmer.env}, digests of what it was created with
 * ({@link SpecDigest}). A container that already holds the configured name is
 * <ul>
 *   <li>taken over as the instance if it carries our labels (this home's, this component's), runs
 *       the configured image, command and env, is running and is not {@code unhealthy};</li>
 *   <li>removed and created anew if it carries our labels but is not fit to take over;</li>
 *   <li>never touched if it is foreign: no {@code ai.stigmer.managed} label, another home's label,
 *       no home label at all (made by a stigmer before home labels; which install cannot be told), or
 *       another component's. The launch fails with a message naming the container and its owner.</li>
 * </ul>
 * The same rules hold for {@link #adopt adoption}: a foreign container is never adopted, stopped or
 * removed, whatever record points at it.
 * Failures are {@link LaunchException}s whose message an operator can act on, such as
 * "Docker is not reachable at unix:///var/run/docker.sock (no such socket)".
 */
public final class DockerRuntime implements ComponentRuntime, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

    private final String component;
    private final String homeId;
    private final DockerSpec spec;
    private final DockerEngine engine;

    /** @param homeId the id of the daemon's home ({@code StigmerHome.id()}), carried as a label */
    public DockerRuntime(String component, String homeId, DockerSpec spec) {
        this(component, homeId, spec, DockerEngine.defaultHost());
    }

    /** A runtime on the engine at {@code dockerHost}, such as {@code unix:///run/other/docker.sock}. */
    public DockerRuntime(String component, String homeId, DockerSpec spec, URI dockerHost) {
        this.component = component;
        this.homeId = homeId;
        this.spec = spec;
        this.engine = new DockerEngine(dockerHost);
    }

    /**
     * A runtime for a component that is no longer configured, on the default engine: it can only
     * adopt (so as to stop) what an earlier daemon left of it; it never launches.
     */
    public static DockerRuntime ofRemovedComponent(String component, String homeId) {
        return new DockerRuntime(component, homeId, null, DockerEngine.defaultHost());
    }

    /** The engine this runtime talks to. */
    public URI dockerHost() {
        return engine.host();
    }

    @Override
    public Instance launch() throws LaunchException {
        if (spec == null) {
            throw new LaunchException("component " + component + " is no longer configured");
        }
        try {
            Optional<InspectContainerResponse> existing = engine.inspect(spec.name());
            if (existing.isPresent()) {
                Optional<Instance> taken = takeOverOrClear(existing.get());
                if (taken.isPresent()) {
                    return taken.get();
                }
            }
            requireImage();
            String id = create();
            try {
                engine.run(DockerEngine.WORK_TIMEOUT, "a start", () -> engine.quick().startContainerCmd(id).exec());
            } catch (RuntimeException e) {
                removeQuietly(id);
                throw e;
            }
            log.info("Started container {} ({}) from {}", spec.name(), DockerEngine.shortId(id), spec.image());
            return new DockerInstance(engine, component, homeId, id);
        } catch (EngineUnreachableException e) {
            throw new LaunchException(e.getMessage(), e);
        } catch (DockerException e) {
            throw new LaunchException("Docker could not start container " + spec.name() + ": " + engineMessage(e), e);
        }
    }

    /** Applies the takeover rules to a container that holds our name; empty means "create one". */
    private Optional<Instance> takeOverOrClear(InspectContainerResponse found) throws LaunchException {
        String shortId = DockerEngine.shortId(found.getId());
        String foreign = DockerEngine.foreignReason(found, homeId, component);
        if (!foreign.isEmpty()) {
            throw new LaunchException("a foreign container " + shortId + " holds the name " + spec.name() + ": "
                    + foreign + "; stigmer leaves it alone: remove or rename it, or configure another name");
        }
        String health = DockerEngine.health(found);
        String drift = drift(found);
        if (DockerEngine.running(found) && !health.equals("unhealthy") && drift.isEmpty()) {
            log.info("Taking over running container {} ({})", spec.name(), shortId);
            return Optional.of(new DockerInstance(engine, component, homeId, found.getId(), DockerEngine.age(found), ""));
        }
        log.info("Replacing container {} ({}): {}", spec.name(), shortId,
                !drift.isEmpty() ? drift
                        : health.equals("unhealthy") ? "it is unhealthy" : "it is " + found.getState().getStatus());
        try {
            engine.run(DockerEngine.WORK_TIMEOUT, "a remove",
                    () -> engine.quick().removeContainerCmd(found.getId()).withForce(true).exec());
        } catch (NotFoundException alreadyGone) {
            // removed meanwhile: the name is free either way
        }
        return Optional.empty();
    }

    private void requireImage() throws LaunchException {
        try {
            engine.run(() -> engine.quick().inspectImageCmd(spec.image()).exec());
        } catch (NotFoundException e) {
            String hint = spec.image().startsWith("stigmer/agent-runner:")
                    ? "build it with bin/stigmer-build-agent-image"
                    : "pull or build it first";
            throw new LaunchException("image " + spec.image() + " not found (" + hint + ")", e);
        }
    }

    private String create() throws LaunchException {
        List<String> env = new ArrayList<>();
        spec.env().forEach((key, value) -> env.add(key + "=" + value));
        HostConfig host = HostConfig.newHostConfig().withBinds(binds());
        if (spec.network() != null && !spec.network().isBlank()) {
            host.withNetworkMode(spec.network());
        }
        CreateContainerCmd create = engine.quick().createContainerCmd(spec.image())
                .withName(spec.name())
                .withEnv(env)
                .withLabels(Map.of(DockerEngine.MANAGED_LABEL, "true", DockerEngine.COMPONENT_LABEL, component,
                        DockerEngine.HOME_LABEL, homeId, DockerEngine.COMMAND_LABEL, SpecDigest.ofCommand(spec.command(), null),
                        DockerEngine.ENV_LABEL, SpecDigest.ofEnv(spec.env())))
                .withHostConfig(host);
        if (!spec.command().isEmpty()) {
            create.withCmd(spec.command());
        }
        try {
            return engine.call(DockerEngine.WORK_TIMEOUT, "a create", create::exec).getId();
        } catch (ConflictException e) {
            throw new LaunchException("the name " + spec.name() + " was taken while creating the container: "
                    + engineMessage(e), e);
        }
    }

    /** {@code source:target[:ro|:rw]} as DockerSpec documents it. */
    private List<Bind> binds() throws LaunchException {
        List<Bind> binds = new ArrayList<>();
        for (String mount : spec.mounts()) {
            String[] parts = mount.split(":");
            if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()
                    || (parts.length == 3 && !parts[2].equals("ro") && !parts[2].equals("rw"))) {
                throw new LaunchException("mount '" + mount + "' is not source:target[:ro]");
            }
            AccessMode mode = parts.length == 3 && parts[2].equals("ro") ? AccessMode.ro : AccessMode.rw;
            binds.add(new Bind(parts[0], new Volume(parts[1]), mode));
        }
        return binds;
    }

    private void removeQuietly(String id) {
        try {
            engine.run(DockerEngine.WORK_TIMEOUT, "a remove", () -> engine.quick().removeContainerCmd(id).withForce(true).exec());
        } catch (RuntimeException e) {
            log.warn("Could not remove container {} that failed to start: {}", DockerEngine.shortId(id), e.getMessage());
        }
    }

    /** The engine's own words, without the JSON around them. */
    private static String engineMessage(DockerException e) {
        String message = String.valueOf(e.getMessage());
        int start = message.indexOf("\"message\":\"");
        if (start >= 0) {
            int from = start + "\"message\":\"".length();
            int end = message.indexOf('"', from);
            return end > from ? message.substring(from, end) : message.substring(from);
        }
        return message.replaceFirst("^Status \\d+: ", "").strip();
    }

    /**
     * How a container of ours differs from the config: its image, or the command or env it was
     * created with (by the digests in its labels); "" if it does not, or if the component is no
     * longer configured.
     */
    String drift(InspectContainerResponse found) {
        if (spec == null) {
            return "";
        }
        Map<String, String> labels = DockerEngine.labels(found);
        List<String> changed = new ArrayList<>();
        String image = found.getConfig() == null ? null : found.getConfig().getImage();
        if (!spec.image().equals(image)) {
            changed.add("image changed (it runs " + image + ")");
        }
        if (!SpecDigest.ofCommand(spec.command(), null).equals(labels.get(DockerEngine.COMMAND_LABEL))) {
            changed.add("command changed");
        }
        if (!SpecDigest.ofEnv(spec.env()).equals(labels.get(DockerEngine.ENV_LABEL))) {
            changed.add("env changed");
        }
        return String.join(", ", changed);
    }

    /**
     * Takes over the recorded container if it still runs and is ours by its labels (this home, this
     * component); a foreign one is logged and never touched.
     */
    @Override
    public Optional<Instance> adopt(InstanceRecord record) {
        if (record.containerId().isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<InspectContainerResponse> found = engine.inspect(record.containerId());
            if (found.isEmpty()) {
                log.info("Not adopting container {} of {}: it is gone", DockerEngine.shortId(record.containerId()), component);
                return Optional.empty();
            }
            String foreign = DockerEngine.foreignReason(found.get(), homeId, component);
            if (!foreign.isEmpty()) {
                log.warn("Not adopting container {} ({}) recorded for {}: {}; record dropped, container left alone",
                        DockerEngine.shortId(record.containerId()), DockerEngine.name(found.get()), component, foreign);
                return Optional.empty();
            }
            if (!DockerEngine.running(found.get())) {
                log.info("Not adopting container {} of {}: it is {}", DockerEngine.shortId(record.containerId()),
                        component, found.get().getState().getStatus());
                return Optional.empty();
            }
            return Optional.of(new DockerInstance(engine, component, homeId, found.get().getId(),
                    DockerEngine.age(found.get()), drift(found.get())));
        } catch (RuntimeException e) {
            log.warn("Could not adopt container {}: {}", DockerEngine.shortId(record.containerId()), e.getMessage());
            return Optional.empty();
        }
    }

    /** The {@code container} check for this runtime's instances. */
    public Check containerCheck() {
        return new ContainerCheck(engine);
    }

    /**
     * Closes the connections to the engine. Instances launched by this runtime can then no longer
     * reach the engine: close it only once they are stopped or no longer of interest.
     */
    @Override
    public void close() {
        engine.close();
    }
}
