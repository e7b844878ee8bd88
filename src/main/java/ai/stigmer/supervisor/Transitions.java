package ai.stigmer.supervisor;

import static ai.stigmer.supervisor.State.FAILED;
import static ai.stigmer.supervisor.State.RESTARTING;
import static ai.stigmer.supervisor.State.RUNNING;
import static ai.stigmer.supervisor.State.STARTING;
import static ai.stigmer.supervisor.State.STOPPED;
import static ai.stigmer.supervisor.State.UNHEALTHY;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Every legal state change of SPEC §3; anything else is a bug and is refused. */
final class Transitions {
    private static final Map<State, Set<State>> LEGAL = new EnumMap<>(State.class);

    static {
        // start requested, instance launched (from any state but Running; Restarting: backoff elapsed)
        LEGAL.put(STOPPED, EnumSet.of(STARTING,
                // a stop that failed: the instance may still live (SPEC §4, a stop is reported, never assumed)
                FAILED));
        // manual start or restart / stop requested
        LEGAL.put(FAILED, EnumSet.of(STARTING, STOPPED));
        // startup probe reached successThreshold / failed failureThreshold times / the instance ended
        LEGAL.put(STARTING, EnumSet.of(RUNNING, UNHEALTHY, STOPPED));
        // liveness failed failureThreshold times in a row / the instance ended
        LEGAL.put(RUNNING, EnumSet.of(UNHEALTHY, STOPPED));
        // restart allowed / policy forbids it (clean exit: Stopped) / limit reached or policy forbids
        LEGAL.put(UNHEALTHY, EnumSet.of(RESTARTING, STOPPED, FAILED, STARTING));
        // backoff elapsed, old instance gone, new one launched / the old one's stop failed / stop requested
        LEGAL.put(RESTARTING, EnumSet.of(STARTING, FAILED, STOPPED));
    }

    private Transitions() {}

    static boolean legal(State from, State to) {
        return LEGAL.get(from).contains(to);
    }
}
