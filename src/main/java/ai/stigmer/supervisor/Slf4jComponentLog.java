package ai.stigmer.supervisor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Logs a component's health lines through slf4j with the MDC key {@code component} set, which the
 * log4j2 configuration routes to {@code logs/<component>.log} as well as to {@code daemon.log}.
 */
public final class Slf4jComponentLog implements ComponentLog {
    public static final String MDC_KEY = "component";
    private static final Logger LOG = LoggerFactory.getLogger("ai.stigmer.health");

    private final String component;

    public Slf4jComponentLog(String component) {
        this.component = component;
    }

    @Override
    public void debug(String message) {
        if (LOG.isDebugEnabled()) {
            with(() -> LOG.debug(message));
        }
    }

    @Override
    public void info(String message) {
        with(() -> LOG.info(message));
    }

    @Override
    public void warn(String message) {
        with(() -> LOG.warn(message));
    }

    @Override
    public void error(String message) {
        with(() -> LOG.error(message));
    }

    private void with(Runnable log) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(MDC_KEY, component)) {
            log.run();
        }
    }
}
