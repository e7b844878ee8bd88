package ai.stigmer.runtime.docker;

import ai.stigmer.runtime.ExitStatus;
import ai.stigmer.runtime.Instance;
import ai.stigmer.runtime.InstanceRecord;
import ai.stigmer.runtime.StopFailedException;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.WaitResponse;
import java.io.Closeable;
import java.io.IOException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 */
final class DockerInstance implements Instance {

    private static final Logger log = LoggerFactory.getLogger(DockerInstance.class);

    /** Unreachable answers in a row before the engine counts as lost, and the pause between them. */
    private static final int LOST_AFTER = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(300);

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
                    engine.run(() -> engine.quick().removeContainerCmd(id).withForce(true).exec());
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
        CompletableFuture<Void> call = CompletableFuture.runAsync(
                () -> engine.run(() -> engine.patient().stopContainerCmd(id).withTimeout(seconds).exec()),
                r -> {
                    Thread t = new Thread(r, "stigmer-docker-stop-" + DockerEngine.shortId(id));
                    t.setDaemon(true);
                    t.start();
                });
        try {
            call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new EngineUnreachableException(engine.host(), "no answer to a stop within "
                    + deadline.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineUnreachableException(engine.host(), "interrupted while stopping", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public String toString() {
        return "container " + DockerEngine.shortId(id);
    }

    /** The watcher: waits for the container to stop, re-checking whenever the wait call breaks. */
    private void watch() {
        int unreachable = 0;
        while (!exited.isDone()) {
            try {
                Integer code = engine.call(() -> engine.patient().waitContainerCmd(id).exec(new WaitCall()).statusCode());
                // The wait answered: take the engine's own record of the end when it has one.
                exited.complete(engine.inspect(id).map(DockerInstance::exitOf).orElse(ExitStatus.ofCode(code)));
                return;
            } catch (RuntimeException waitFailed) {
                // Whatever broke the wait, only the engine can say whether the container ended.
                try {
                    Optional<InspectContainerResponse> now = engine.inspect(id);
                    unreachable = 0;
                    if (now.isEmpty()) {
                        exited.complete(ExitStatus.lost("container " + DockerEngine.shortId(id) + " was removed"));
                        return;
                    }
                    if (!DockerEngine.started(now.get())) {
                        exited.complete(exitOf(now.get()));
                        return;
                    }
                    log.debug("Wait on container {} broke off while it runs; waiting again",
                            DockerEngine.shortId(id), waitFailed);
                } catch (DockerException e) {
                    log.debug("Engine error while inspecting container {}", DockerEngine.shortId(id), e);
                } catch (RuntimeException e) {
                    // Unreachable (or the client closed under us): a few times in a row means lost.
                    if (++unreachable >= LOST_AFTER) {
                        exited.complete(ExitStatus.lost("Docker daemon connection lost: " + e.getMessage()));
                        return;
                    }
                }
                pause();
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

    /**
     * One wait call. docker-java's own callback logs every broken stream as an ERROR with a stack
     * trace; a broken stream is routine here (the watcher re-checks), so this one only hands it on.
     */
    private static final class WaitCall implements ResultCallback<WaitResponse> {
        private final CompletableFuture<Integer> code = new CompletableFuture<>();
        private volatile Closeable stream;

        @Override
        public void onStart(Closeable stream) {
            this.stream = stream;
        }

        @Override
        public void onNext(WaitResponse response) {
            code.complete(response.getStatusCode());
        }

        @Override
        public void onError(Throwable failure) {
            code.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            code.completeExceptionally(new IllegalStateException("wait ended without a status code"));
        }

        @Override
        public void close() throws IOException {
            Closeable open = stream;
            if (open != null) {
                open.close();
            }
        }

        /** Blocks until the engine answers; a broken call is rethrown as it came. */
        Integer statusCode() {
            try {
                return code.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the container", e);
            } finally {
                try {
                    close();
                } catch (IOException ignored) {
                    // the stream is done with either way
                }
            }
        }
    }
}
