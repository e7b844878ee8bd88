package ai.stigmer.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload would change: components added, removed, changed (any difference in the
 * component's spec, its merged {@code defaults} included; not its {@code kubernetes} key, read only by
 * the export) and unchanged, by name, each list in start
 * order (removed ones in the old order); and the daemon-level keys that differ, which a reload does
 * not apply ({@link #daemonKeys}).
 */
public record ConfigChanges(List<String> added, List<String> removed, List<String> changed, List<String> unchanged,
        List<String> daemonKeys) {

    public ConfigChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        unchanged = List.copyOf(unchanged);
        daemonKeys = List.copyOf(daemonKeys);
    }

    /** From the config in force to {@code next}. */
    public static ConfigChanges between(StigmerConfig current, StigmerConfig next) {
        Map<String, ComponentConfig> before = current.components().stream()
                .collect(Collectors.toMap(ComponentConfig::name, Function.identity()));
        Map<String, ComponentConfig> after = next.components().stream()
                .collect(Collectors.toMap(ComponentConfig::name, Function.identity()));
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (ComponentConfig c : next.components()) {
            ComponentConfig old = before.get(c.name());
            (old == null ? added : old.runsLike(c) ? unchanged : changed).add(c.name());
        }
        List<String> removed = current.components().stream().map(ComponentConfig::name)
                .filter(n -> !after.containsKey(n)).toList();
        List<String> keys = new ArrayList<>();
        differs(keys, "daemon.jmx", current.jmx(), next.jmx());
        differs(keys, "daemon.http", current.http(), next.http());
        differs(keys, "daemon.maxConcurrentLaunches", current.maxConcurrentLaunches(), next.maxConcurrentLaunches());
        differs(keys, "daemon.logs", current.logs(), next.logs());
        differs(keys, "alerts", current.alerts(), next.alerts());
        return new ConfigChanges(added, removed, changed, unchanged, keys);
    }

    private static void differs(List<String> keys, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            keys.add(key);
        }
    }

    /** True if no component is added, removed or changed. */
    public boolean none() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    /** {@code added x; removed y; changed z; unchanged a, b} ("none" for an empty list). */
    public String summary() {
        return "added " + names(added) + "; removed " + names(removed) + "; changed " + names(changed)
                + "; unchanged " + names(unchanged);
    }

    private static String names(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
