package ai.stigmer.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every mistake found in one reading of a config file, in the order the loader met them. The
 * loader reads on past a mistake, part by part, so that {@code stigmer server validate} can list
 * them all; a part that depends on a broken one is skipped rather than blamed for it. The same
 * mistake met twice (a bad default, seen again in each component that inherits it) counts once.
 */
final class ConfigErrors {
    private final Map<String, Node.Invalid> found = new LinkedHashMap<>();
    /** Every mistake met, repeats included: a part that met one, even a known one, is broken. */
    private int met;

    void add(Node.Invalid e) {
        met++;
        found.putIfAbsent(e.path + "\0" + e.getMessage(), e);
    }

    /** How many mistakes were met so far, repeats included: compare before and after reading a part. */
    int met() {
        return met;
    }

    boolean any() {
        return !found.isEmpty();
    }

    List<Node.Invalid> all() {
        return new ArrayList<>(found.values());
    }

    /** The value {@code part} reads, or {@code fallback} with its mistake kept. */
    <T> T attempt(Supplier<T> part, T fallback) {
        try {
            return part.get();
        } catch (Node.Invalid e) {
            add(e);
            return fallback;
        } catch (GivenUp e) {
            return fallback;
        }
    }

    /** Runs {@code part}; true if it found nothing wrong. */
    boolean attempt(Runnable part) {
        try {
            part.run();
            return true;
        } catch (Node.Invalid e) {
            add(e);
            return false;
        } catch (GivenUp e) {
            return false;
        }
    }

    /** A part that read all its fields, kept their mistakes, and has no value to give. */
    static final class GivenUp extends RuntimeException {
        GivenUp() {
            super("given up", null, false, false);
        }
    }

    /**
     * Checks that {@code node} is a map (absent counts as empty) and keeps every key not among
     * {@code allowed} as a mistake; the other keys are read on.
     *
     * @throws Node.Invalid if it is not a map: nothing below it can be read
     */
    void keys(Node node, String... allowed) {
        for (Node.Invalid unknown : node.unknownKeys(allowed)) {
            add(unknown);
        }
    }

    /** Thrown once reading is over: the file has at least one mistake. */
    ConfigException toException(java.nio.file.Path file) {
        List<ConfigException.Problem> problems = found.values().stream()
                .map(e -> new ConfigException.Problem(e.path, e.getMessage())).toList();
        return new ConfigException(file, problems);
    }
}
