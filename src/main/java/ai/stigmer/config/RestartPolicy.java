package ai.stigmer.config;

/** When an unhealthy component is restarted. */
public enum RestartPolicy {
    /** Restart after every failure and after a clean exit. */
    ALWAYS("always"),
    /** Restart unless the instance exited by itself with code 0. */
    ON_FAILURE("on-failure"),
    /** Never restart: a clean exit ends in Stopped, anything else in Failed. */
    NEVER("never");

    private final String yamlName;

    RestartPolicy(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static RestartPolicy fromYaml(String name) {
        for (RestartPolicy p : values()) {
            if (p.yamlName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(name);
    }
}
