package ai.stigmer.probe;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.ProbeSpec;

/** The three probes of SPEC §3. */
public enum ProbeKind {
    STARTUP("startup"), LIVENESS("liveness"), READINESS("readiness");

    private final String word;

    ProbeKind(String word) {
        this.word = word;
    }

    /** This probe of {@code component}, or null if it has none. */
    public ProbeSpec of(ComponentConfig component) {
        return switch (this) {
            case STARTUP -> component.startup();
            case LIVENESS -> component.liveness();
            case READINESS -> component.readiness();
        };
    }

    @Override
    public String toString() {
        return word;
    }
}
