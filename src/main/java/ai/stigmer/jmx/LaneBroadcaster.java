package ai.stigmer.jmx;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Executor;
import javax.management.MBeanNotificationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to each listener in order, on a lane of its own over a shared pool: a
 * listener that blocks holds up only itself, never the sender nor the other listeners. A lane that
 * falls {@value #MAX_BACKLOG} notifications behind drops new ones for that listener.
 */
final class LaneBroadcaster extends NotificationBroadcasterSupport {
    static final int MAX_BACKLOG = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(LaneBroadcaster.class);

    private final Executor pool;
    private final Map<NotificationListener, Lane> lanes = new WeakHashMap<>();

    /** Jobs run on the sending thread, where {@link #handleNotification} only queues them. */
    LaneBroadcaster(Executor pool, MBeanNotificationInfo... info) {
        super(Runnable::run, info);
        this.pool = pool;
    }

    @Override
    protected void handleNotification(NotificationListener listener, Notification notif, Object handback) {
        Lane lane;
        synchronized (lanes) {
            lane = lanes.computeIfAbsent(listener, l -> new Lane());
        }
        lane.add(() -> LaneBroadcaster.super.handleNotification(listener, notif, handback));
    }

    /** A serial executor over the pool (the pattern of {@link Executor}'s Javadoc). */
    private final class Lane implements Runnable {
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        private boolean draining;

        synchronized void add(Runnable delivery) {
            if (queue.size() >= MAX_BACKLOG) {
                LOG.warn("JMX notification listener is {} notifications behind; dropping", MAX_BACKLOG);
                return;
            }
            queue.add(delivery);
            if (!draining) {
                draining = true;
                pool.execute(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.warn("JMX notification listener failed", e);
                }
            }
        }
    }
}
