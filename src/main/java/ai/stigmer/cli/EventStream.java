package ai.stigmer.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import javax.management.Notification;
import javax.management.remote.JMXConnectionNotification;

/**
 * What {@code server events} prints: the events the daemon remembers, then, when following, every
 * new one until {@link #stop()}. It subscribes before it reads the remembered ones, so that nothing
 * sent in between is missed, and prints what it receives twice only once (by component and
 * sequence number).
 */
final class EventStream {
    /** Ends the follow: a signal, or the connection to the daemon lost (then the exception says how). */
    private record End(CliException failure) {}

    /** The connector dropped notifications (its buffer overflowed): said, not hidden. */
    private record Lost(String message) {}

    private final BlockingQueue<Object> live = new LinkedBlockingQueue<>();
    private final Map<String, Long> printed = new HashMap<>();
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final ZoneId zone;

    EventStream(PrintWriter out, PrintWriter err, boolean json, ZoneId zone) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.zone = zone;
    }

    /** Prints the remembered events and returns. */
    void printRecent(DaemonClient client) {
        client.recentEvents().forEach(this::print);
    }

    /**
     * Prints the remembered events, then the live ones until {@link #stop()}; throws the
     * {@link CliException} of {@link DaemonClient#lost} when the connection fails.
     */
    void follow(DaemonClient client) throws InterruptedException {
        client.subscribe((n, handback) -> live.add(n), (n, handback) -> connectionChanged(client, n));
        printRecent(client);
        while (true) {
            Object next = live.take();
            if (next instanceof End end) {
                if (end.failure() != null) {
                    throw end.failure();
                }
                return;
            } else if (next instanceof Lost lost) {
                err.println("stigmer: the daemon dropped events for this client (" + lost.message() + ")");
                err.flush();
            } else {
                print(EventLine.ofNotification((Notification) next));
            }
        }
    }

    /** Ends {@link #follow} after what has arrived so far is printed; any thread may call it. */
    void stop() {
        live.add(new End(null));
    }

    private void connectionChanged(DaemonClient client, Notification n) {
        String type = n.getType();
        if (JMXConnectionNotification.NOTIFS_LOST.equals(type)) {
            live.add(new Lost(n.getMessage()));
        } else if (JMXConnectionNotification.FAILED.equals(type) || JMXConnectionNotification.CLOSED.equals(type)) {
            live.add(new End(client.lost("connection lost while following events")));
        }
    }


    private void print(EventLine event) {
        Long last = printed.get(event.component());
        if (last != null && event.sequence() <= last) {
            return; // already printed from the daemon's memory
        }
        printed.put(event.component(), event.sequence());
        out.println(json ? event.json(zone) : event.text(zone));
        out.flush();
    }
}
