package ai.stigmer;

/** The product version, as the Daemon MXBean reports it. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {}
}
