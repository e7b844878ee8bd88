package ai.stigmer.supervisor;

import ai.stigmer.config.ProbeSpec;
import ai.stigmer.probe.ProbeKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Watches that every probe one component should be running keeps producing results: Starting with
 * an instance, its startup probe; Running, its liveness and readiness probes. A probe is stale when
 * none of its runs has been answered by its checks for longer than 2 × its period + its timeout for
 * each of its checks, plus one heartbeat (this watch looks once per heartbeat). A stale probe is
 * started over, at most once per that time, and stays stale (MonitoringActive false) until its
 * checks answer again. Watchdog thread only.
 */
final class ProbeWatch {
    private static final ProbeKind[] KINDS = ProbeKind.values(); // values() copies its array each call
    /** What was last seen of one probe: its answered runs, when that count last moved, its last restart. */
    private static final class Seen {
        long answered = -1;
        long movedAt;
        long restartedAt = Long.MIN_VALUE;
    }

    private final ComponentSupervisor component;
    private final Map<ProbeKind, Seen> seen = new EnumMap<>(ProbeKind.class);
    /** State and instance last seen, and since when: probes are due from there (plus initialDelay). */
    private State state;
    private long pid = -1;
    private String containerId = "";
    private long phaseSince;

    ComponentSupervisor component() {
        return component;
    }

    ProbeWatch(ComponentSupervisor component) {
        this.component = component;
        for (ProbeKind kind : KINDS) {
            seen.put(kind, new Seen());
        }
    }

    /** Whether {@code component} has any probe to watch; a component without one needs no watch. */
    static boolean hasProbes(ComponentSupervisor component) {
        for (ProbeKind kind : KINDS) {
            if (kind.of(component.config()) != null) {
                return true;
            }
        }
        return false;
    }

    /** Looks at the component at {@code now}; returns its stale probes, described for the operator. */
    List<String> check(long now, Duration heartbeat) {
        ComponentStateMachine.Snapshot status = component.snapshot(); // a heartbeat allocates nothing for a quiet one
        if (status.state() != state || status.pid() != pid || !status.containerId().equals(containerId)) {
            state = status.state();
            pid = status.pid();
            containerId = status.containerId();
            phaseSince = now;
        }
        List<String> stale = List.of();
        for (ProbeKind kind : KINDS) {
            ProbeSpec spec = kind.of(component.config());
            if (spec == null || !due(kind, status)) {
                continue;
            }
            Seen s = seen.get(kind);
            long answered = component.prober().answeredRuns(kind);
            if (answered != s.answered) {
                s.answered = answered;
                s.movedAt = now;
            }
            long since = Math.max(s.movedAt, phaseSince + spec.initialDelay().toNanos());
            long limit = limit(spec, heartbeat);
            if (now - since <= limit) {
                continue;
            }
            String silent = "no result for " + Duration.ofNanos(now - since).toSeconds() + "s";
            if (stale.isEmpty()) {
                stale = new ArrayList<>();
            }
            stale.add(kind + " probe of " + component.name() + ": " + silent);
            if (s.restartedAt == Long.MIN_VALUE || now - s.restartedAt > limit) {
                s.restartedAt = now;
                component.restartProbe(kind, silent);
            }
        }
        return stale;
    }

    /** 2 × period + timeout per check + one heartbeat, in nanoseconds (Duration's arithmetic allocates). */
    static long limit(ProbeSpec spec, Duration heartbeat) {
        return saturated(2 * (double) spec.period().toNanos()
                + (double) spec.timeout().toNanos() * Math.max(1, spec.checks().size())
                + heartbeat.toNanos());
    }

    private static long saturated(double nanos) {
        return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
    }

    /** True if {@code kind} should be running now; none is while there is no instance to probe. */
    private static boolean due(ProbeKind kind, ComponentStateMachine.Snapshot status) {
        boolean instance = status.pid() > 0 || !status.containerId().isEmpty();
        if (!instance || status.stopping()) {
            return false;
        }
        return switch (status.state()) {
            case STARTING -> kind == ProbeKind.STARTUP;
            case RUNNING -> kind != ProbeKind.STARTUP;
            default -> false;
        };
    }
}
