package ai.stigmer.supervisor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The host-wide limit on launches in flight ({@code daemon.maxConcurrentLaunches}): at most
 * {@code limit} tickets are admitted at a time, the others wait their turn in the order they came.
 * A mass crash or a daemon start that must launch every component therefore forks them a few at a
 * time instead of all at once.
 *
 * <p>A ticket is admitted from the moment its {@code admitted} callback is called until it
 * {@link Ticket#leave() leaves}, which its holder does when the launch returned, failed or passed its
 * deadline. A ticket that leaves while still waiting just gives up its place. Callbacks run outside
 * the gate's lock, on the thread that entered or freed the slot; they should only hand the launch on
 * (post it to the watchdog), never block.
 */
public final class LaunchGate {
    private final int limit;
    private final LinkedHashSet<Ticket> waiting = new LinkedHashSet<>();
    private int admitted;

    /** @param limit launches admitted at once, at least 1 */
    public LaunchGate(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the launch limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    /** A gate that admits every launch at once (one component alone, tests of other rules). */
    public static LaunchGate unlimited() {
        return new LaunchGate(Integer.MAX_VALUE);
    }

    public int limit() {
        return limit;
    }

    /** Joins the line; {@code admitted} runs once this ticket's turn comes (at once if a slot is free). */
    public Ticket enter(Runnable admitted) {
        Ticket ticket = new Ticket(admitted);
        boolean now;
        synchronized (this) {
            now = waiting.isEmpty() && this.admitted < limit;
            if (now) {
                this.admitted++;
                ticket.inside = true;
            } else {
                waiting.add(ticket);
            }
        }
        if (now) {
            admitted.run();
        }
        return ticket;
    }

    /** Tickets admitted now: launches in flight. */
    public synchronized int inFlight() {
        return admitted;
    }

    /** Tickets waiting for a slot. */
    public synchronized int waiting() {
        return waiting.size();
    }

    private void leave(Ticket ticket) {
        List<Ticket> next = new ArrayList<>();
        synchronized (this) {
            if (ticket.left) {
                return;
            }
            ticket.left = true;
            if (!ticket.inside) {
                waiting.remove(ticket);
                return;
            }
            admitted--;
            Iterator<Ticket> line = waiting.iterator();
            while (admitted < limit && line.hasNext()) {
                Ticket t = line.next();
                line.remove();
                t.inside = true;
                admitted++;
                next.add(t);
            }
        }
        next.forEach(t -> t.admitted.run());
    }

    private synchronized int position(Ticket ticket) {
        if (ticket.inside || ticket.left) {
            return 0;
        }
        int place = 1;
        for (Ticket t : waiting) {
            if (t == ticket) {
                return place;
            }
            place++;
        }
        return 0;
    }

    /** One launch's place at the gate. Thread-safe. */
    public final class Ticket {
        private final Runnable admitted;
        // Guarded by the gate.
        private boolean inside;
        private boolean left;

        private Ticket(Runnable admitted) {
            this.admitted = admitted;
        }

        /** Its place in the line: 1 when it is next, n with n − 1 ahead; 0 once admitted or left. */
        public int position() {
            return LaunchGate.this.position(this);
        }

        /** Frees its slot for the next in line, or gives up its place; only the first call counts. */
        public void leave() {
            LaunchGate.this.leave(this);
        }
    }
}
