package ai.stigmer.alerts;

import ai.stigmer.Threads;
import ai.stigmer.config.AlertSpec;
import ai.stigmer.config.Durations;
import ai.stigmer.jmx.ObjectNames;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code alerts:} of the config, as a JMX notification listener on every component bean: the
 * same notifications, by the same path, as any listener outside the daemon gets. A matching event
 * is handed to the alert's own lane (one thread while it has work, none when idle, {@value #QUEUE}
 * waiting at most), so a hook that hangs holds up neither the watchdog, nor the notifications,
 * nor the other alerts, only its own later runs; it is killed at its timeout. Per alert, component and event, a hook runs at most once per {@code minInterval};
 * events in between are counted and said with the next run. Every failure is logged.
 */
public final class AlertHooks implements NotificationListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertHooks.class);
    static final int QUEUE = 100;

    private record Alert(AlertSpec spec, Hook hook, ThreadPoolExecutor lane) {}

    private record Pace(long lastRun, int suppressed) {}

    private final List<Alert> alerts = new ArrayList<>();
    private final LongSupplier nanoTime;
    /** Guarded by itself; key: alert index, component, event. */
    private final Map<String, Pace> paces = new HashMap<>();
    private final List<ObjectName> listenedTo = new ArrayList<>();
    private MBeanServer server;
    private HttpClient http;

    AlertHooks(List<AlertSpec> specs, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        Supplier<HttpClient> client = this::httpClient;
        for (AlertSpec spec : specs) {
            ThreadPoolExecutor lane = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                    Threads.daemon("stigmer-alert-" + (alerts.size() + 1)));
            lane.allowCoreThreadTimeOut(true); // no thread while no hook runs
            alerts.add(new Alert(spec, spec.command() != null ? new ExecHook(spec.command())
                    : new WebhookHook(spec.webhook(), client), lane));
        }
    }

    /**
     * Listens to the beans of {@code components} on {@code server} for {@code specs}; nothing is done
     * (and no thread made) without alerts.
     */
    public static AlertHooks install(MBeanServer server, List<String> components, List<AlertSpec> specs) {
        AlertHooks hooks = new AlertHooks(specs, System::nanoTime);
        if (specs.isEmpty()) {
            return hooks;
        }
        hooks.server = server;
        for (String component : components) {
            ObjectName name = ObjectNames.component(component);
            try {
                server.addNotificationListener(name, hooks, null, null);
                hooks.listenedTo.add(name);
            } catch (InstanceNotFoundException e) {
                throw new IllegalStateException("no bean " + name + " to listen to for alerts", e);
            }
        }
        LOG.info("Alert hooks: {}", String.join("; ", specs.stream().map(s -> s.describe() + " on "
                + String.join(",", s.events())).toList()));
        return hooks;
    }

    /** Listens to the bean of {@code component} too: one a reload added. Nothing without alerts. */
    public synchronized void listenTo(String component) {
        if (server == null) {
            return;
        }
        ObjectName name = ObjectNames.component(component);
        try {
            server.addNotificationListener(name, this, null, null);
            listenedTo.add(name);
        } catch (InstanceNotFoundException e) {
            LOG.warn("No bean {} to listen to for alerts", name);
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        AlertEvent.of(notification).ifPresent(this::dispatch);
    }

    void dispatch(AlertEvent event) {
        for (int i = 0; i < alerts.size(); i++) {
            Alert alert = alerts.get(i);
            if (!alert.spec().matches(event.component(), event.event())) {
                continue;
            }
            int suppressed = admit(i + "/" + event.component() + "/" + event.event(), alert.spec());
            if (suppressed < 0) {
                continue;
            }
            try {
                alert.lane().execute(() -> run(alert, event, suppressed));
            } catch (RejectedExecutionException e) {
                LOG.warn("Alert hook {} for {} of {} dropped: {} hooks already waiting", alert.spec().describe(),
                        event.event(), event.component(), QUEUE);
            }
        }
    }

    /** How many runs were held back since the last one, or −1 if this one is held back too. */
    private int admit(String key, AlertSpec spec) {
        long now = nanoTime.getAsLong();
        synchronized (paces) {
            Pace pace = paces.get(key);
            if (pace != null && now - pace.lastRun() < spec.minInterval().toNanos()) {
                paces.put(key, new Pace(pace.lastRun(), pace.suppressed() + 1));
                return -1;
            }
            paces.put(key, new Pace(now, 0));
            return pace == null ? 0 : pace.suppressed();
        }
    }

    private void run(Alert alert, AlertEvent event, int suppressed) {
        String what = alert.spec().describe() + " for " + event.event() + " of " + event.component()
                + (suppressed > 0 ? " (" + suppressed + " earlier held back by minInterval "
                        + Durations.format(alert.spec().minInterval()) + ")" : "");
        try {
            alert.hook().deliver(event, alert.spec().timeout());
            LOG.info("Alert hook {} done", what);
        } catch (Hook.HookFailedException e) {
            LOG.warn("Alert hook {} failed: {}", what, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Alert hook {} failed: {}", what, e.toString());
        }
    }

    private synchronized HttpClient httpClient() {
        if (http == null) {
            http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        }
        return http;
    }

    /** Stops listening; hooks still running are interrupted and their commands killed. */
    @Override
    public synchronized void close() {
        for (ObjectName name : listenedTo) {
            try {
                server.removeNotificationListener(name, this);
            } catch (Exception e) {
                // the bean went first
            }
        }
        alerts.forEach(a -> a.lane().shutdownNow());
    }
}
