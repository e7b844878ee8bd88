package ai.stigmer.supervisor;

/** The component states of SPEC §3, with the exact words status output and JMX use. */
public enum State {
    STARTING("Starting"),
    RUNNING("Running"),
    UNHEALTHY("Unhealthy"),
    RESTARTING("Restarting"),
    STOPPED("Stopped"),
    FAILED("Failed");

    private final String word;

    State(String word) {
        this.word = word;
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
