package ai.stigmer.runtime.process;

import ai.stigmer.os.ProcFs;
import ai.stigmer.runtime.InstanceMarker;
import ai.stigmer.runtime.InstanceRecord;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The tests a recorded process must pass before a daemon adopts, and may later signal, it (SPEC §4,
 * never the wrong process). A record in {@code run/} is only a claim; the process itself must prove it:
 * <ol>
 *   <li>its pid is above 1 and is not the daemon's own (a stop of pid 1 or 0 would become
 *       {@code kill(-1)} or hit the daemon's group);</li>
 *   <li>it runs (not a zombie) and started at the recorded time: the pid was not reused;</li>
 *   <li>it leads its own process group, as every launched instance does, so that a stop signals
 *       its group and nothing else;</li>
 *   <li>its environment ({@code /proc/<pid>/environ}) holds {@code STIGMER_INSTANCE} with a value that
 *       marks this home and this component, and is exactly the value recorded at its launch.</li>
 * </ol>
 * The start time is checked again after the environment was read, so a pid reused in between is
 * caught too.
 */
final class OwnershipProof {
    private static final long MARKER_WAIT_NANOS = 1_000_000_000;

    private OwnershipProof() {}

    /** Empty when the record is proven; otherwise why it is refused, in words for the log. */
    static Optional<String> refusal(InstanceRecord record, String homeId, String component) {
        long pid = record.pid();
        if (pid <= 1) {
            return Optional.of("pid " + pid + " is never adopted");
        }
        if (pid == ProcessHandle.current().pid()) {
            return Optional.of("pid " + pid + " is the daemon itself");
        }
        if (record.marker().isEmpty()) {
            return Optional.of("the record holds no instance marker (written by an older stigmer)");
        }
        if (!InstanceMarker.belongsTo(record.marker(), homeId, component)) {
            return Optional.of("the record's marker " + record.marker() + " is not of this home and component");
        }
        Optional<String> notSame = sameProcess(pid, record.startTicks());
        if (notSame.isPresent()) {
            return notSame;
        }
        Optional<String> carried;
        try {
            carried = markerOf(pid);
        } catch (IOException e) {
            return Optional.of("the environment of pid " + pid + " cannot be read (" + e.getMessage() + ")");
        }
        if (carried.isEmpty()) {
            return Optional.of("pid " + pid + " carries no " + InstanceMarker.ENV + " marker: not launched by stigmer");
        }
        if (!InstanceMarker.belongsTo(carried.get(), homeId, component)) {
            return Optional.of("pid " + pid + " carries the marker " + carried.get() + " of another home or component");
        }
        if (!carried.get().equals(record.marker())) {
            return Optional.of("pid " + pid + " carries the marker " + carried.get() + ", not the recorded "
                    + record.marker());
        }
        return sameProcess(pid, record.startTicks());
    }

    private static Optional<String> sameProcess(long pid, long startTicks) {
        Optional<ProcStat> stat = ProcStat.read(pid);
        if (stat.isEmpty() || stat.get().gone()) {
            return Optional.of("pid " + pid + " is gone");
        }
        if (stat.get().startTicks() != startTicks) {
            return Optional.of("pid " + pid + " started at another time than recorded: another process");
        }
        if (stat.get().pgrp() != pid) {
            return Optional.of("pid " + pid + " does not lead its own process group");
        }
        return Optional.empty();
    }

    /**
     * The value of {@code STIGMER_INSTANCE} in the environment the process was started with. The
     * process has already shown the recorded start time, so it is the one launched: a marker missing
     * from it is read again, for up to {@link #MARKER_WAIT_NANOS}, while it runs. Read in the middle
     * of its execve(2) its environment can be empty or cut short whatever its command line shows
     * (seen here: 1 adoption in 300 right after a launch, on a loaded machine, read a one-byte
     * environment).
     */
    static Optional<String> markerOf(long pid) throws IOException {
        long deadline = System.nanoTime() + MARKER_WAIT_NANOS;
        long pause = 50_000;
        Optional<String> marker = ProcFs.environment(pid, InstanceMarker.ENV);
        while (marker.isEmpty() && System.nanoTime() - deadline < 0 && runs(pid)) {
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
            marker = ProcFs.environment(pid, InstanceMarker.ENV);
        }
        return marker;
    }

    private static boolean runs(long pid) {
        return ProcStat.read(pid).map(st -> !st.gone()).orElse(false);
    }
}
