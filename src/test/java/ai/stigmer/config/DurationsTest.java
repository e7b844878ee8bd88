package ai.stigmer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"250ms, 250", "10s, 10000", "1.5s, 1500", "10m, 600000", "1h, 3600000", "0s, 0", "0.5ms, 0"})
    void parsesEachUnit(String text, long millis) {
        assertEquals(millis, Durations.parse(text).toMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "", "s", "10 s", "10sec", "1d", "1.s", "ten s"})
    void refusesAnythingWithoutAKnownUnit(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().startsWith("expected a duration with a unit, such as 10s"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"250ms, 250ms", "1500ms, 1500ms", "10s, 10s", "90s, 90s", "600s, 10m", "3600s, 1h", "0s, 0s"})
    void formatsInTheLargestExactUnit(String in, String out) {
        assertEquals(out, Durations.format(Durations.parse(in)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999h"})
    void refusesOverflow(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5s"})
    void parsesNegativeSoCallersCanSayWhatIsWrong(String text) {
        assertEquals(Duration.ofSeconds(-5), Durations.parse(text));
    }
}
