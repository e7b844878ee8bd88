package ai.stigmer.jmx;

import ai.stigmer.supervisor.ComponentEvent;
import ai.stigmer.supervisor.ComponentListener;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a component's events into JMX notifications. {@link #onEvent} runs on the watchdog thread
 * and only queues the event on {@code dispatch} (one thread, so sequence numbers follow event
 * order); the broadcaster then hands each listener its copy on a lane of its own.
 */
final class ComponentNotifier implements ComponentListener {
    private static final Logger LOG = LoggerFactory.getLogger(ComponentNotifier.class);

    private final ObjectName source;
    private final NotificationBroadcasterSupport broadcaster;
    private final Executor dispatch;
    private final RecentEvents recent;
    private long sequence;
    private volatile boolean closed;

    ComponentNotifier(ObjectName source, NotificationBroadcasterSupport broadcaster, Executor dispatch,
            RecentEvents recent) {
        this.source = source;
        this.broadcaster = broadcaster;
        this.dispatch = dispatch;
        this.recent = recent;
    }

    @Override
    public void onEvent(ComponentEvent event) {
        if (closed) {
            return;
        }
        try {
            dispatch.execute(() -> send(event));
        } catch (RejectedExecutionException e) {
            // the control plane is closing: nobody is left to notify
        }
    }

    /** Runs on the dispatch thread only: the ring and the listeners see the same order. */
    private void send(ComponentEvent event) {
        try {
            Notification n = ComponentNotifications.toNotification(event, source, ++sequence);
            recent.add(EventRow.of(n));
            broadcaster.sendNotification(n);
        } catch (RuntimeException e) {
            LOG.warn("Could not send JMX notification for {}", event, e);
        }
    }

    /** Components cannot drop listeners, so a closed notifier ignores what still arrives. */
    void close() {
        closed = true;
    }
}
