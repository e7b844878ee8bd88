package ai.stigmer.probe;

import java.time.Duration;

/** {@code uptime}: this instance has run for at least {@code min}. */
public final class UptimeCheck implements Check {
    private final Duration min;

    public UptimeCheck(Duration min) {
        this.min = min;
    }

    @Override
    public String describe() {
        return "uptime " + min.toMillis() + "ms";
    }

    @Override
    public boolean blocking() {
        return false;
    }

    @Override
    public CheckResult run(CheckContext context) {
        return context.uptime().compareTo(min) >= 0
                ? CheckResult.pass()
                : CheckResult.fail("up " + context.uptime().toMillis() + "ms, needs " + min.toMillis() + "ms");
    }
}
