package ai.stigmer.supervisor;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Blocking work (launches, stops) that runs only when the test says so, as a slow runtime would. */
final class DeferredExecutor implements Executor {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** Run as each task is handed over, on the thread that hands it over. */
    Runnable onExecute = () -> { };

    @Override
    public void execute(Runnable task) {
        onExecute.run();
        queue.add(task);
    }

    int pending() {
        return queue.size();
    }

    /** Runs the oldest waiting task, then what the watchdog has due. */
    void runOne(ManualScheduler scheduler) {
        queue.poll().run();
        scheduler.runDue();
    }

    /** Runs every waiting task, and those they lead to, with the watchdog in between. */
    void runAll(ManualScheduler scheduler) {
        scheduler.runDue();
        while (!queue.isEmpty()) {
            runOne(scheduler);
        }
    }
}
