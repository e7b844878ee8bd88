package ai.stigmer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code stop} must see gone before it may say "stigmer daemon stopped" (SPEC §7): the daemon,
 * each component's instance (pid and start time, or container id) and the instance's descendants,
 * all taken before the shutdown was asked for. {@link #check()} looks at each again and says,
 * truthfully, what is left.
 */
final class StopOutcome {
    /** One component's instance as it was before the stop; {@code process} empty for a container. */
    record Instance(String component, Optional<LiveProcess> process, String containerId, boolean ignoresSigterm,
            List<LiveProcess> descendants) {

        static Instance of(String component, long pid, String containerId) {
            Optional<LiveProcess> process = LiveProcess.of(pid);
            return new Instance(component, process, containerId,
                    process.map(LiveProcess::ignoresSigterm).orElse(false),
                    process.map(LiveProcess::descendants).orElse(List.of()));
        }

        /** The record's process if it still runs as recorded, or its container. */
        static Optional<Instance> of(InstanceRecords.Entry record) {
            Optional<LiveProcess> process = record.process();
            if (process.isEmpty() && record.containerId().isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Instance(record.component(), process, record.containerId(),
                    process.map(LiveProcess::ignoresSigterm).orElse(false),
                    process.map(LiveProcess::descendants).orElse(List.of())));
        }

        boolean hasSomething() {
            return process.isPresent() || !containerId.isEmpty();
        }
    }

    /** The result: a line per instance, and what is still alive (empty when everything is gone). */
    record Report(List<String> lines, List<String> stillRunning) {
        boolean clean() {
            return stillRunning.isEmpty();
        }
    }

    private final Optional<LiveProcess> daemon;
    private final List<Instance> instances;

    /** {@code daemon} empty when it is not a process stop can watch (gone, or this very JVM in tests). */
    StopOutcome(Optional<LiveProcess> daemon, List<Instance> instances) {
        this.daemon = daemon;
        this.instances = instances.stream().filter(Instance::hasSomething).toList();
    }

    /** The instances of the daemon's status, joined with the records of run/ for components it did not show. */
    static List<Instance> instances(List<StatusReport.Component> components, Map<String, InstanceRecords.Entry> records) {
        List<Instance> found = new ArrayList<>();
        for (StatusReport.Component c : components) {
            found.add(Instance.of(c.name(), c.pid(), c.containerId()));
        }
        records.values().stream().filter(r -> components.stream().noneMatch(c -> c.name().equals(r.component())))
                .map(Instance::of).flatMap(Optional::stream).forEach(found::add);
        return found;
    }

    Optional<LiveProcess> daemon() {
        return daemon;
    }

    boolean daemonGone() {
        return daemon.map(d -> !d.alive()).orElse(true);
    }

    /** Looks at everything again. */
    Report check() {
        List<String> lines = new ArrayList<>();
        List<String> left = new ArrayList<>();
        daemon.filter(LiveProcess::alive).ifPresent(d ->
                left.add("daemon (pid " + d.pid() + (d.suspended() ? ", suspended: SIGSTOP" : "") + ")"));
        for (Instance i : instances) {
            String what = i.component() + (i.process().isPresent() ? " (pid " + i.process().get().pid() + ")"
                    : " (container " + shortId(i.containerId()) + ")");
            if (i.process().isPresent()) {
                if (i.process().get().alive()) {
                    lines.add("  " + what + ": still running");
                    left.add(what);
                } else if (i.ignoresSigterm()) {
                    // It ignored or blocked SIGTERM: only the SIGKILL after its stop timeout can have ended it.
                    lines.add("  " + what + ": stopped with SIGKILL after its stop timeout (it ignores SIGTERM)");
                } else {
                    lines.add("  " + what + ": stopped");
                }
                for (LiveProcess child : i.descendants()) {
                    if (child.alive()) {
                        String c = i.component() + "'s child (pid " + child.pid() + ")";
                        lines.add("  " + c + ": still running");
                        left.add(c);
                    }
                }
            } else {
                Optional<Boolean> running = ContainerCheck.running(i.containerId());
                if (running.isEmpty()) {
                    lines.add("  " + what + ": not verified, the Docker Engine did not answer");
                } else if (running.get()) {
                    lines.add("  " + what + ": still running");
                    left.add(what);
                } else {
                    lines.add("  " + what + ": stopped");
                }
            }
        }
        return new Report(lines, left);
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
