package ai.stigmer.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed YAML value that remembers the dotted key path where the user wrote it, so that an error
 * found after {@code defaults} were merged into a component still names the line's own key. The
 * {@link #layer} says which part of the configuration wrote it: later layers win a merge.
 */
final class Node {
    static final int BUILT_IN = 0;
    static final int DEFAULTS = 1;
    static final int COMPONENT = 2;

    /** A scalar, a {@code Map<String, Node>}, a {@code List<Node>}, or null when absent. */
    private final Object value;
    final String path;
    final int layer;

    private Node(Object value, String path, int layer) {
        this.value = value;
        this.path = path;
        this.layer = layer;
    }

    /** What is wrong and where; the loader turns it into a {@link ConfigException}. */
    static final class Invalid extends RuntimeException {
        final String path;

        Invalid(String path, String problem) {
            super(problem, null, false, false);
            this.path = path;
        }
    }

    /** Wraps what SnakeYAML built from the text: maps, lists and scalars. */
    static Node wrap(Object raw, String path, int layer) {
        return wrap(raw, path, layer, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    /** {@code enclosing}: the maps and lists around this value, to refuse an alias that contains itself. */
    private static Node wrap(Object raw, String path, int layer, Set<Object> enclosing) {
        if ((raw instanceof Map<?, ?> || raw instanceof List<?>) && !enclosing.add(raw)) {
            throw new Invalid(path, "a YAML alias that contains itself");
        }
        try {
            if (raw instanceof Map<?, ?> map) {
                Map<String, Node> fields = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String key)) {
                        // YAML 1.1 reads on, off, yes and no as booleans, keys included.
                        String hint = e.getKey() instanceof Boolean ? " (on, off, yes and no are read as true or false:"
                                + " quote them; alerts take events:, not on:)" : "";
                        throw new Invalid(join(path, String.valueOf(e.getKey())), "keys must be strings" + hint);
                    }
                    fields.put(key, wrap(e.getValue(), join(path, key), layer, enclosing));
                }
                return new Node(fields, path, layer);
            }
            if (raw instanceof List<?> list) {
                List<Node> items = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    items.add(wrap(list.get(i), path + "[" + i + "]", layer, enclosing));
                }
                return new Node(items, path, layer);
            }
            return new Node(raw, path, layer);
        } finally {
            enclosing.remove(raw);
        }
    }

    /** {@code over} on top of {@code base}: maps merge key by key, anything else replaces. */
    static Node merge(Node base, Node over) {
        if (over.isAbsent()) {
            return base;
        }
        if (base.isAbsent() || !(base.value instanceof Map<?, ?>) || !(over.value instanceof Map<?, ?>)) {
            return over;
        }
        Map<String, Node> merged = new LinkedHashMap<>(base.fields());
        over.fields().forEach((k, v) -> merged.merge(k, v, Node::merge));
        return new Node(merged, over.path, over.layer);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Invalid invalid(String problem) {
        return new Invalid(path, problem);
    }

    boolean isAbsent() {
        return value == null;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Node> fields() {
        return (Map<String, Node>) value;
    }

    /** Checks this is a map (absent counts as empty) whose keys are all among {@code allowed}. */
    Map<String, Node> map(String... allowed) {
        List<Invalid> unknown = unknownKeys(allowed);
        if (!unknown.isEmpty()) {
            throw unknown.get(0);
        }
        return isAbsent() ? Map.of() : fields();
    }

    /**
     * Each key of this map (absent counts as empty) that is not among {@code allowed}, in file order.
     *
     * @throws Invalid if this is not a map
     */
    List<Invalid> unknownKeys(String... allowed) {
        if (isAbsent()) {
            return List.of();
        }
        entries();
        List<String> names = Arrays.asList(allowed);
        List<Invalid> unknown = new ArrayList<>();
        for (Map.Entry<String, Node> e : fields().entrySet()) {
            if (!names.contains(e.getKey())) {
                unknown.add(e.getValue().invalid("unknown key '" + e.getKey() + "'; "
                        + (names.isEmpty() ? "no keys are allowed here" : "allowed here: " + String.join(", ", names))));
            }
        }
        return unknown;
    }

    /** Checks this is a map (absent counts as empty) and returns its entries, whatever their keys. */
    Map<String, Node> entries() {
        if (isAbsent()) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?>)) {
            throw invalid("expected a map, found " + describe());
        }
        return fields();
    }

    /** This tree again, as written by {@code layer}. */
    Node inLayer(int layer) {
        Object copy = value;
        if (value instanceof Map<?, ?>) {
            Map<String, Node> fields = new LinkedHashMap<>();
            fields().forEach((k, v) -> fields.put(k, v.inLayer(layer)));
            copy = fields;
        } else if (value instanceof List<?>) {
            copy = list().stream().map(n -> n.inLayer(layer)).toList();
        }
        return new Node(copy, path, layer);
    }

    /** The value under {@code key}, absent (but with its would-be path) if not written. */
    Node at(String key) {
        Node child = value instanceof Map<?, ?> ? fields().get(key) : null;
        return child != null ? child : new Node(null, join(path, key), layer);
    }

    List<Node> list() {
        if (isAbsent()) {
            return List.of();
        }
        if (!(value instanceof List<?>)) {
            throw invalid("expected a list, found " + describe());
        }
        @SuppressWarnings("unchecked")
        List<Node> items = (List<Node>) value;
        return items;
    }

    Node required() {
        if (isAbsent()) {
            throw invalid("required");
        }
        return this;
    }

    String string() {
        if (!(required().value instanceof String s)) {
            boolean scalar = !(value instanceof Map<?, ?> || value instanceof List<?>);
            throw invalid("expected a string, found " + describe() + (scalar ? " (quote it)" : ""));
        }
        return s;
    }

    String string(String fallback) {
        return isAbsent() ? fallback : string();
    }

    boolean bool() {
        if (!(required().value instanceof Boolean b)) {
            throw invalid("expected true or false, found " + describe());
        }
        return b;
    }

    List<String> strings() {
        return list().stream().map(Node::string).toList();
    }

    int integer(int min, int max) {
        if (!(required().value instanceof Integer i)) {
            throw invalid("expected a whole number, found " + describe());
        }
        if (i < min || i > max) {
            throw invalid(max == Integer.MAX_VALUE
                    ? "must be at least " + min + ", found " + i
                    : "must be between " + min + " and " + max + ", found " + i);
        }
        return i;
    }

    double number() {
        if (!(required().value instanceof Integer || value instanceof Double)) {
            throw invalid("expected a number, found " + describe());
        }
        return ((Number) value).doubleValue();
    }

    /** A duration greater than zero (SPEC §2: periods and timeouts are positive). */
    Duration positiveDuration() {
        Duration d = duration();
        if (d.isZero()) {
            throw invalid("must be greater than 0, found " + value);
        }
        return d;
    }

    /** A duration of zero or more. */
    Duration duration() {
        if (!(required().value instanceof String s)) {
            throw invalid(Durations.EXPECTED + ", found " + describe());
        }
        Duration d;
        try {
            d = Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (d.isNegative()) {
            throw invalid("must not be negative, found " + s);
        }
        return d;
    }

    private String describe() {
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        return value.getClass().getSimpleName().toLowerCase() + " " + value;
    }
}
