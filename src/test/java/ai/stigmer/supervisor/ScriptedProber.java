package ai.stigmer.supervisor;

import ai.stigmer.probe.ProbeKind;
import ai.stigmer.probe.ProbeResult;
import ai.stigmer.probe.ProbeRunner;
import ai.stigmer.runtime.Instance;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Answers probes from a script per probe kind (then a default), at once; records each run. A run
 * can be held back instead ({@link #hold}), as a probe loop that lost its answer.
 */
final class ScriptedProber implements ProbeRunner {
    private final Map<ProbeKind, Deque<Boolean>> scripts = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, Boolean> defaults = new EnumMap<>(ProbeKind.class);
    private final Map<ProbeKind, Integer> toHold = new EnumMap<>(ProbeKind.class);
    private final List<Runnable> held = new ArrayList<>();
    private final Map<ProbeKind, Integer> answered = new EnumMap<>(ProbeKind.class);
    final List<ProbeKind> runs = new ArrayList<>();
    /** When set, {@link #run} throws it, as a prober whose pool cannot make a thread does. */
    Error refuseWith;

    ScriptedProber always(ProbeKind kind, boolean passes) {
        defaults.put(kind, passes);
        return this;
    }

    ScriptedProber then(ProbeKind kind, boolean... results) {
        Deque<Boolean> script = scripts.computeIfAbsent(kind, k -> new ArrayDeque<>());
        for (boolean r : results) {
            script.add(r);
        }
        return this;
    }

    /** The next {@code n} runs of {@code kind} give no answer until {@link #releaseHeld()}. */
    ScriptedProber hold(ProbeKind kind, int n) {
        toHold.put(kind, n);
        return this;
    }

    /** Gives the answers held back so far, late. */
    void releaseHeld() {
        List<Runnable> late = List.copyOf(held);
        held.clear();
        late.forEach(Runnable::run);
    }

    @Override
    public long answeredRuns(ProbeKind probe) {
        return answered.getOrDefault(probe, 0);
    }

    int runsOf(ProbeKind kind) {
        return (int) runs.stream().filter(k -> k == kind).count();
    }

    @Override
    public void run(ProbeKind probe, Instance instance, Duration uptime, Consumer<ProbeResult> done) {
        if (refuseWith != null) {
            throw refuseWith;
        }
        runs.add(probe);
        Deque<Boolean> script = scripts.get(probe);
        boolean passed = script != null && !script.isEmpty() ? script.poll() : defaults.getOrDefault(probe, true);
        Runnable answer = () -> {
            answered.merge(probe, 1, Integer::sum);
            done.accept(passed
                    ? ProbeResult.passed(probe, Duration.ZERO)
                    : ProbeResult.failed(probe, "scripted", "scripted failure", Duration.ZERO));
        };
        if (toHold.getOrDefault(probe, 0) > 0) {
            toHold.merge(probe, -1, Integer::sum);
            held.add(answer);
        } else {
            answer.run();
        }
    }
}
