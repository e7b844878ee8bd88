package ai.stigmer.supervisor;

/**
 * The component states of SPEC §3, with the exact words status output and JMX use, and the fixed
 * number each has as the {@code StateCode} attribute, for JMX tools that graph numbers only:
 * Stopped 0, Starting 1, Running 2, Unhealthy 3, Restarting 4, Failed 5. The numbers never change
 * meaning; a new state would get a new one.
 */
public enum State {
    STARTING("Starting", 1),
    RUNNING("Running", 2),
    UNHEALTHY("Unhealthy", 3),
    RESTARTING("Restarting", 4),
    STOPPED("Stopped", 0),
    FAILED("Failed", 5);

    private final String word;
    private final int code;

    State(String word, int code) {
        this.word = word;
        this.code = code;
    }

    /** The {@code StateCode}: Stopped 0, Starting 1, Running 2, Unhealthy 3, Restarting 4, Failed 5. */
    public int code() {
        return code;
    }

    /** The word of SPEC §3: {@code Running}, {@code Failed}, ... */
    public String word() {
        return word;
    }

    @Override
    public String toString() {
        return word;
    }
}
