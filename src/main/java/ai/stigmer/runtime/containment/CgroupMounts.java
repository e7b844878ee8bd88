package ai.stigmer.runtime.containment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the cgroup hierarchies are mounted and where this process sits in them, read from
 * {@code /proc/self/mountinfo} and {@code /proc/self/cgroup} (never hard-coded: a hybrid host mounts
 * cgroup v2 at /sys/fs/cgroup/unified, a systemd host at /sys/fs/cgroup, a container elsewhere).
 *
 * @param v2 the directory of this process's own cgroup v2, if v2 is mounted
 * @param v2Path this process's cgroup v2 as {@code /proc/self/cgroup} names it ("/" for the root), "" without v2
 * @param v1 the directory of this process's own cgroup per mounted v1 controller ("memory", "cpu", "pids", "freezer")
 * @param v2Mount where the cgroup v2 hierarchy is mounted, if it is
 * @param v2FavorsDynmods true if that mount has {@code favordynmods}, or there is none to judge
 */
record CgroupMounts(Optional<Path> v2, String v2Path, Map<String, Path> v1, Optional<Path> v2Mount,
        boolean v2FavorsDynmods) {

    CgroupMounts(Optional<Path> v2, String v2Path, Map<String, Path> v1) {
        this(v2, v2Path, v1, Optional.empty(), true);
    }

    static CgroupMounts ofThisProcess() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")), Files.readAllLines(Path.of("/proc/self/cgroup")));
        } catch (IOException e) {
            return new CgroupMounts(Optional.empty(), "", Map.of());
        }
    }

    static CgroupMounts parse(List<String> mountinfo, List<String> cgroups) {
        Map<String, String> ownPaths = new HashMap<>(); // "" for v2, else each controller of a v1 line
        for (String line : cgroups) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (f[0].equals("0") && f[1].isEmpty()) {
                ownPaths.put("", f[2]);
            } else {
                for (String controller : f[1].split(",")) {
                    ownPaths.put(controller, f[2]);
                }
            }
        }
        Path v2 = null;
        Path v2Mount = null;
        boolean favorsDynmods = true;
        Map<String, Path> v1 = new HashMap<>();
        for (String line : mountinfo) {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            String root = unescape(before[3]);
            Path mountPoint = Path.of(unescape(before[4]));
            if (after[0].equals("cgroup2") && v2 == null && ownPaths.containsKey("")) {
                v2 = inside(mountPoint, root, ownPaths.get(""));
                v2Mount = mountPoint;
                favorsDynmods = List.of(after[2].split(",")).contains("favordynmods");
            } else if (after[0].equals("cgroup")) {
                for (String option : after[2].split(",")) {
                    if (ownPaths.containsKey(option) && !v1.containsKey(option)) {
                        v1.put(option, inside(mountPoint, root, ownPaths.get(option)));
                    }
                }
            }
        }
        return new CgroupMounts(Optional.ofNullable(v2), v2 == null ? "" : ownPaths.get(""), Map.copyOf(v1),
                Optional.ofNullable(v2Mount), favorsDynmods);
    }

    /**
     * The directory of the cgroup v2 that {@code /proc/<pid>/cgroup} names {@code path}, where it can be
     * told from this process's own (not inside a container whose mount hides the hierarchy's top).
     */
    Optional<Path> v2Dir(String path) {
        if (v2.isEmpty()) {
            return Optional.empty();
        }
        String own = v2Path.equals("/") ? "" : v2Path;
        String dir = v2.get().toString();
        if (!dir.endsWith(own)) {
            return Optional.empty();
        }
        String top = dir.substring(0, dir.length() - own.length());
        String relative = path.replaceFirst("^/+", "");
        return Optional.of(relative.isEmpty() ? Path.of(top) : Path.of(top).resolve(relative));
    }

    /** The directory of cgroup {@code path} on a mount whose root is the hierarchy's {@code root}. */
    private static Path inside(Path mountPoint, String root, String path) {
        String relative = path;
        if (!root.equals("/") && (path.equals(root) || path.startsWith(root + "/"))) {
            relative = path.substring(root.length());
        }
        relative = relative.replaceFirst("^/+", "");
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    private static String unescape(String s) {
        if (!s.contains("\\")) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
