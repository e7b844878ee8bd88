package ai.stigmer.jmx;

import java.util.Locale;
import java.util.Optional;

/**
 * What a login may do, from its line in {@code jmxremote.access} (SPEC §6). Both levels read every
 * attribute and receive notifications; only {@link #READWRITE} calls the operations of the
 * {@code ai.stigmer} beans. No level reaches the JVM's own operations: see {@link RoleScopedMBeanServer}.
 */
enum Access {
    /** {@code monitor}: attributes, MBean info, queries, notifications. */
    READONLY,
    /** {@code control}: also restart(), stop(), start(), shutdown() and reload() of the ai.stigmer beans. */
    READWRITE;

    /** The word of the access file ({@code readonly}, {@code readwrite}). */
    String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Access> fromWord(String word) {
        for (Access access : values()) {
            if (access.word().equals(word)) {
                return Optional.of(access);
            }
        }
        return Optional.empty();
    }
}
