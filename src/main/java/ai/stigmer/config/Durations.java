package ai.stigmer.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as {@code stigmer.yaml} writes them (SPEC §2): a number with a unit, {@code 250ms},
 * {@code 10s}, {@code 1.5s}, {@code 10m}, {@code 1h}. A bare number is refused, because "10" could
 * mean seconds to one reader and milliseconds to another.
 */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("([+-]?[0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    static final String EXPECTED = "expected a duration with a unit, such as 10s (units: ms, s, m, h)";

    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for the user if it is not a duration
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED + ", found '" + text + "'");
        }
        long unitNanos = switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        try {
            BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos));
            return Duration.ofNanos(nanos.toBigInteger().longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too large");
        }
    }

    /** The shortest exact spelling of {@code d} in the units {@link #parse} accepts, e.g. {@code 90s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
