package ai.stigmer.probe;

/** The three probes of SPEC §3. */
public enum ProbeKind {
    STARTUP("startup"), LIVENESS("liveness"), READINESS("readiness");

    private final String word;

    ProbeKind(String word) {
        this.word = word;
    }

    @Override
    public String toString() {
        return word;
    }
}
