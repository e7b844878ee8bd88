package ai.stigmer.supervisor;

import java.util.concurrent.Executor;

/**
 * Where a component's blocking work runs: its launches pass the host-wide {@link LaunchGate}, then
 * run on {@code launches}; its stops run on {@code stops}. Two pools, so that launches hung past
 * their deadline never take the threads that stops need. Either pool may refuse a task (bounded, or
 * out of native threads): the component then reports a failed launch or stop with the reason.
 */
public record RuntimeThreads(LaunchGate gate, Executor launches, Executor stops) {

    /** Every launch and stop on {@code blocking}, with no launch limit. */
    public static RuntimeThreads of(Executor blocking) {
        return new RuntimeThreads(LaunchGate.unlimited(), blocking, blocking);
    }
}
