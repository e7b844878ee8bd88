package ai.stigmer.cli;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;

/**
 * While {@code stop} waits, reads the daemon's status over JMX (as long as it answers) and prints
 * one line for each component the first time it is seen stopping, with the time left before its
 * SIGKILL (SPEC §6 {@code Stopping}, {@code StopRemainingMillis}): a long stop shows what it waits
 * for. Runs on a thread of its own, so a daemon that stops answering never delays the wait; its
 * connection is closed there too. Only a report: {@link StopOutcome} decides what is left.
 */
final class StopProgress implements Runnable {
    private static final long PERIOD_MILLIS = 250;

    private final DaemonClient client;
    private final PrintWriter out;
    private final Set<String> seen = new HashSet<>();
    private volatile boolean done;

    private StopProgress(DaemonClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /** Starts watching over {@code client}, which it owns and closes from now on. */
    static StopProgress start(DaemonClient client, PrintWriter out) {
        StopProgress progress = new StopProgress(client, out);
        Thread thread = new Thread(progress, "stigmer-stop-progress");
        thread.setDaemon(true);
        thread.start();
        return progress;
    }

    /** No more lines after this returns (one being printed finishes first). */
    void finish() {
        synchronized (out) {
            done = true;
        }
    }

    @Override
    public void run() {
        try {
            while (!done) {
                for (StatusReport.Component c : client.status().components()) {
                    if (c.stopping() && seen.add(c.name())) {
                        print(c);
                    }
                }
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (CliException e) {
            // the daemon closed its JMX port (it is exiting) or stopped answering: the wait goes on without it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }

    private void print(StatusReport.Component c) {
        String instance = c.docker() ? "container " + (c.containerId().length() > 12
                ? c.containerId().substring(0, 12) : c.containerId()) : "pid " + c.pid();
        String left = c.stopRemainingMillis() > 0
                ? "SIGKILL in " + StatusFormatter.duration((c.stopRemainingMillis() + 999) / 1000)
                : c.stopRemainingMillis() == 0 ? "past its stop timeout" : "in progress";
        synchronized (out) {
            if (!done) {
                out.println("  " + c.name() + " (" + instance + "): stopping, " + left);
                out.flush();
            }
        }
    }
}
