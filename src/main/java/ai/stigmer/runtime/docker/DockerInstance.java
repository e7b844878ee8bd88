package ai.stigmer.runtime.docker;

import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.StopFailedException;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container of a component (SPEC §8, agent-runner). A watcher thread holds the engine's wait
 * call open and completes {@link #exited()} the moment the container stops.
 *
 * <p>A broken wait stream alone is not an exit: the watcher then asks the engine again with an
 * inspect. A container that still runs is waited for anew; one that stopped gives its exit code;
 * one that is gone ends as removed; and an engine that cannot be reached any more ends the instance
 * as {@link ExitStatus#lost lost}, since nothing can then be known or done about the container.
 * The wait is held for {@link #WAIT_SLICE} at most and then checked the same way, so an engine that
 * accepts and never answers ends the instance as lost too, within the slice and three inspects.
 */
final class DockerInstance implements Instance {

    private static final Logger log = LoggerFactory.getLogger(DockerInstance.class);

    /** Unreachable answers in a row before the engine counts as lost, and the pause between them. */
    private static final int LOST_AFTER = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(300);
    /** How long one wait call is held before the engine is asked again whether it still answers. */
    static final Duration WAIT_SLICE = Duration.ofSeconds(15);

    private final DockerEngine engine;
    private final String component;
    private final String homeId;
    private final String id;
    private final Duration age;
    private final String drift;
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final Object stopLock = new Object();
    /** How long past the stop timeout an engine may take to confirm a stop. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

    /** A container this runtime has just started. */
    DockerInstance(DockerEngine engine, String component, String homeId, String id) {
        this(engine, component, homeId, id, Duration.ZERO, "");
    }

    /**
     * A container found running (taken over or adopted): {@code age} is how long it has run already,
     * {@code drift} how it differs from the config ("" if it does not).
     */
    DockerInstance(DockerEngine engine, String component, String homeId, String id, Duration age, String drift) {
        this.engine = engine;
        this.component = component;
        this.homeId = homeId;
        this.id = id;
        this.age = age;
        this.drift = drift;
        Thread watcher = new Thread(this::watch, "docker-wait-" + component + "-" + DockerEngine.shortId(id));
        watcher.setDaemon(true);
        watcher.start();
    }

    @Override
    public long pid() {
        return -1;
    }

    @Override
    public String containerId() {
        return id;
    }

    @Override
    public CompletableFuture<ExitStatus> exited() {
        return exited;
    }

    @Override
    public boolean isAlive() {
        if (exited.isDone()) {
            return false;
        }
        try {
            return engine.inspect(id).map(DockerEngine::running).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Duration age() {
        return age;
    }

    @Override
    public String drift() {
        return drift;
    }

    @Override
    public InstanceRecord record() {
        return InstanceRecord.ofContainer(id);
    }

    /**
     * {@code docker stop} with the timeout (the engine sends SIGTERM, waits, then SIGKILL), then
     * removes the container. Never acts on a container that lacks our labels (this home's, this
     * component's). An unreachable engine is logged and left: the container cannot be stopped from
     * here, and the instance counts as ended (the container's name is unique, so the next launch
     * takes it over or clears it and never runs beside it). An engine that answers with an error
     * throws {@link StopFailedException}: the container may still run.
     */
    @Override
    public void stop(Duration timeout) {
        synchronized (stopLock) {
            try {
                Optional<InspectContainerResponse> found = engine.inspect(id);
                if (found.isEmpty()) {
                    exited.complete(ExitStatus.lost("container " + DockerEngine.shortId(id) + " was removed"));
                    return;
                }
                if (!DockerEngine.ours(found.get(), homeId, component)) {
                    log.warn("Not stopping container {} ({}): {}", DockerEngine.shortId(id), DockerEngine.name(found.get()),
                            DockerEngine.foreignReason(found.get(), homeId, component));
                    return;
                }
                if (DockerEngine.started(found.get())) {
                    int seconds = (int) Math.max(0, (timeout.toMillis() + 999) / 1000);
                    try {
                        stopWithin(seconds, timeout.plus(STOP_MARGIN));
                    } catch (NotModifiedException alreadyStopped) {
                        // stopped between the inspect and the stop
                    }
                }
                engine.inspect(id).ifPresent(stopped -> exited.complete(exitOf(stopped)));
                try {
                    engine.run(DockerEngine.WORK_TIMEOUT, "a remove",
                            () -> engine.quick().removeContainerCmd(id).withForce(true).exec());
                } catch (NotFoundException alreadyGone) {
                    // removed by someone else meanwhile
                }
                exited.complete(ExitStatus.lost("container " + DockerEngine.shortId(id) + " was removed"));
            } catch (EngineUnreachableException e) {
                log.warn("Could not stop container {}: {}", DockerEngine.shortId(id), e.getMessage());
                exited.complete(ExitStatus.lost("Docker daemon connection lost: " + e.getMessage()));
            } catch (DockerException e) {
                // The engine answered and refused: the container may still run, so the stop is not done.
                throw new StopFailedException("Docker could not stop container " + DockerEngine.shortId(id)
                        + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@code docker stop} with the grace period, on the client without a response timeout (the stop
     * itself takes up to {@code seconds}), but never waiting past {@code deadline}: an engine that
     * hangs must not hold the component's next launch forever.
     */
    private void stopWithin(int seconds, Duration deadline) {
        engine.run(deadline, "a stop", () -> engine.patient().stopContainerCmd(id).withTimeout(seconds).exec());
    }

    @Override
    public String toString() {
        return "container " + DockerEngine.shortId(id);
    }

    /**
     * The watcher: waits for the container to stop, in slices of {@link #WAIT_SLICE}, and asks the
     * engine with an inspect whenever a slice ends or the wait call breaks. So an engine that stops
     * answering is noticed within a slice and {@link #LOST_AFTER} inspects, as one that is gone is.
     */
    private void watch() {
        while (!exited.isDone()) {
            try {
                OptionalInt code = engine.awaitExit(id, WAIT_SLICE);
                if (code.isPresent()) {
                    // The wait answered: take the engine's own record of the end when it has one.
                    exited.complete(engine.inspect(id).map(DockerInstance::exitOf).orElse(ExitStatus.ofCode(code.getAsInt())));
                    return;
                }
            } catch (RuntimeException waitFailed) {
                log.debug("Wait on container {} broke off", DockerEngine.shortId(id), waitFailed);
                pause(); // a wait that breaks at once again and again must not spin
            }
            // Whatever ended the wait, only the engine can say whether the container ended.
            checkStillRuns();
        }
    }

    /** Completes {@link #exited} unless the engine says the container runs; a few silent answers in a row mean lost. */
    private void checkStillRuns() {
        for (int unreachable = 0; !exited.isDone(); pause()) {
            try {
                Optional<InspectContainerResponse> now = engine.inspect(id);
                if (now.isEmpty()) {
                    exited.complete(ExitStatus.lost("container " + DockerEngine.shortId(id) + " was removed"));
                } else if (!DockerEngine.started(now.get())) {
                    exited.complete(exitOf(now.get()));
                }
                return;
            } catch (DockerException e) {
                log.debug("Engine error while inspecting container {}", DockerEngine.shortId(id), e);
                return; // the engine answers: wait anew
            } catch (RuntimeException e) {
                // Unreachable, silent, or the client closed under us.
                if (++unreachable >= LOST_AFTER) {
                    exited.complete(ExitStatus.lost("Docker daemon connection lost: " + e.getMessage()));
                }
            }
        }
    }

    private void pause() {
        try {
            exited.get(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeUp) {
            // the usual case: the pause is over and the instance has not ended meanwhile
        }
    }

    /** The exit as the engine recorded it; code 128+n means killed by signal n (SIGKILL gives 137). */
    static ExitStatus exitOf(InspectContainerResponse container) {
        var state = container.getState();
        Long code = state == null ? null : state.getExitCodeLong();
        if (code == null) {
            return ExitStatus.UNKNOWN;
        }
        if (Boolean.TRUE.equals(state.getOOMKilled())) {
            return new ExitStatus(code.intValue(), code > 128 ? (int) (code - 128) : 0, "killed: out of memory");
        }
        return ExitStatus.ofCode(code.intValue());
    }
}
