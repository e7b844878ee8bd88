package ai.stigmer.jmx;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@link #CAPACITY} component notifications of every component, oldest first, in the order
 * they were sent: JMX itself keeps no history, and {@code stigmer server events} prints these
 * before it follows the live ones. Filled on the one dispatch thread, read by any JMX call.
 */
final class RecentEvents {
    static final int CAPACITY = 200;

    private final ArrayDeque<EventRow> rows = new ArrayDeque<>(CAPACITY);

    synchronized void add(EventRow row) {
        if (rows.size() == CAPACITY) {
            rows.removeFirst();
        }
        rows.addLast(row);
    }

    synchronized List<EventRow> rows() {
        return List.copyOf(rows);
    }
}
