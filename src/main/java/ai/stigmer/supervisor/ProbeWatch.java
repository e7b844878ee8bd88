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
    /** What was last seen of one probe: its answered runs, when that count last moved, its last restart. */
    private static final class Seen {
        long answered = -1;
        long movedAt;
        long restartedAt = Long.MIN_VALUE;
    }

    private final ComponentSupervisor component;
    private final Map<ProbeKind, Seen> seen = new EnumMap<>(ProbeKind.class);
    /** State and instance last seen, and since when: probes are due from there (plus initialDelay). */
    private String phase = "";
    private long phaseSince;

    ProbeWatch(ComponentSupervisor component) {
        this.component = component;
        for (ProbeKind kind : ProbeKind.values()) {
            seen.put(kind, new Seen());
        }
    }

    /** Looks at the component at {@code now}; returns its stale probes, described for the operator. */
    List<String> check(long now, Duration heartbeat) {
        ComponentStatus status = component.status();
        String current = status.state() + " " + status.pid() + " " + status.containerId();
        if (!current.equals(phase)) {
            phase = current;
            phaseSince = now;
        }
        List<String> stale = new ArrayList<>();
        for (ProbeKind kind : due(status)) {
            ProbeSpec spec = spec(kind);
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
            stale.add(kind + " probe of " + component.name() + ": " + silent);
            if (s.restartedAt == Long.MIN_VALUE || now - s.restartedAt > limit) {
                s.restartedAt = now;
                component.restartProbe(kind, silent);
            }
        }
        return stale;
    }

    /** 2 × period + timeout per check + one heartbeat. */
    static long limit(ProbeSpec spec, Duration heartbeat) {
        return spec.period().multipliedBy(2)
                .plus(spec.timeout().multipliedBy(Math.max(1, spec.checks().size())))
                .plus(heartbeat).toNanos();
    }

    /** The configured probes that should be running now; none while there is no instance to probe. */
    private List<ProbeKind> due(ComponentStatus status) {
        boolean instance = status.pid() > 0 || !status.containerId().isEmpty();
        if (!instance || status.stopping()) {
            return List.of();
        }
        List<ProbeKind> kinds = switch (status.state()) {
            case STARTING -> List.of(ProbeKind.STARTUP);
            case RUNNING -> List.of(ProbeKind.LIVENESS, ProbeKind.READINESS);
            default -> List.of();
        };
        return kinds.stream().filter(k -> spec(k) != null).toList();
    }

    private ProbeSpec spec(ProbeKind kind) {
        return switch (kind) {
            case STARTUP -> component.config().startup();
            case LIVENESS -> component.config().liveness();
            case READINESS -> component.config().readiness();
        };
    }
}
