package ai.stigmer.runtime;

/**
 * The mark the daemon puts into every instance it launches, so that a later daemon can prove an
 * instance is its own before adopting or signalling it (SPEC §4, never the wrong process): the
 * environment variable {@code STIGMER_INSTANCE=<home id>/<component>/<nonce>} for a process, the
 * label {@value #HOME_LABEL} for a container.
 */
public final class InstanceMarker {
    /** The environment variable every launched process carries. */
    public static final String ENV = "STIGMER_INSTANCE";
    /** The Docker label with the home id of the install that created the container. */
    public static final String HOME_LABEL = "ai.stigmer.home";

    private InstanceMarker() {}

    /** The value of {@link #ENV} for one launch. */
    public static String value(String homeId, String component, String nonce) {
        return homeId + "/" + component + "/" + nonce;
    }

    /** True if {@code value} marks an instance of {@code component} launched from the home {@code homeId}. */
    public static boolean belongsTo(String value, String homeId, String component) {
        return value != null && value.startsWith(homeId + "/" + component + "/");
    }
}
