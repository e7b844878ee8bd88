package ai.stigmer.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads and validates {@code stigmer.yaml} (SPEC §2). Every problem is named by the dotted key path
 * where the offending value was written, also when it came into a component from {@code defaults}.
 * Reading goes on past a problem ({@link ConfigErrors}), so one {@link ConfigException} carries
 * every problem of the file, the first one as its message.
 */
public final class ConfigLoader {
    /** Component names become file names (SPEC §1: logs/&lt;component&gt;.log). */
    private static final Pattern COMPONENT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
    private static final Pattern MEMORY = Pattern.compile("([0-9]{1,15})(|[kKmMgG][iI]?[bB]?|[bB])");
    private static final long MIN_MEMORY = 1L << 20;
    private static final List<String> CHECK_TYPES =
            List.of("process", "tcp", "grpc", "http", "exec", "uptime", "container");

    /** What applies when neither {@code defaults} nor the component says otherwise (SPEC §2, §4). */
    private static final String BUILT_IN_DEFAULTS = """
            restart:
              policy: always
              backoff: { initial: 1s, multiplier: 2.0, max: 60s, jitter: 0.0 }
              maxRestarts: 10
              window: 10m
              minUptime: 10s
              rearmAfter: 0s
            stop: { timeout: 10s }
            logs: { maxSize: 10m, keep: 5 }
            probes:
              startup:   { initialDelay: 0s, period: 1s,  timeout: 1s, successThreshold: 1, failureThreshold: 30 }
              liveness:  { initialDelay: 0s, period: 10s, timeout: 3s, successThreshold: 1, failureThreshold: 3 }
              readiness: { initialDelay: 0s, period: 5s,  timeout: 2s, successThreshold: 1, failureThreshold: 3 }
            """;

    private final Path file;
    private final Map<String, String> variables;
    private final ConfigErrors errors = new ConfigErrors();

    private ConfigLoader(Path file, Map<String, String> variables) {
        this.file = file;
        this.variables = variables;
    }

    /**
     * Loads {@code file}. {@code ${NAME}} in command, env, workingDir, docker and exec strings is
     * replaced from {@code variables} (no null keys or values); {@code $$} stands for a literal
     * {@code $}. A relative {@code workingDir} is resolved against the directory of {@code file}.
     *
     * @throws ConfigException if the file cannot be read, is not YAML, or breaks a rule of SPEC §2
     */
    public static StigmerConfig load(Path file, Map<String, String> variables) throws ConfigException {
        Object raw = parse(file);
        ConfigLoader loader = new ConfigLoader(file, Map.copyOf(variables));
        StigmerConfig config = null;
        try {
            config = loader.config(Node.wrap(raw, "", Node.COMPONENT));
        } catch (Node.Invalid e) {
            loader.errors.add(e); // a part nothing else can be read without: the mistakes so far, and this one
        }
        if (loader.errors.any()) {
            throw loader.errors.toException(file);
        }
        return config;
    }

    /**
     * Only {@code daemon.jmx} of {@code file}, checked as {@link #load} checks it, without building
     * the components: what the command line needs to find the daemon, at a fraction of the cost.
     *
     * @throws ConfigException if the file cannot be read, is not YAML, or its {@code daemon} part is wrong
     */
    public static JmxConfig loadJmx(Path file) throws ConfigException {
        Object raw = parse(file);
        try {
            Node top = Node.wrap(raw, "", Node.COMPONENT);
            top.map("daemon", "defaults", "components", "alerts");
            return jmx(top.at("daemon"));
        } catch (Node.Invalid e) {
            throw new ConfigException(file, e.path, e.getMessage());
        }
    }

    /**
     * The config file of SPEC §1: {@code explicit} if given, else {@code home/stigmer.yaml} if it
     * exists, else {@code install/conf/stigmer.yaml}.
     */
    public static Path locate(Path explicit, Path home, Path install) {
        if (explicit != null) {
            return explicit;
        }
        Path inHome = home.resolve("stigmer.yaml");
        return Files.exists(inHome) ? inHome : install.resolve("conf").resolve("stigmer.yaml");
    }

    /**
     * Plain YAML to maps, lists and scalars. Built from SnakeYAML's parts rather than {@code new Yaml()},
     * whose dumping side pulls in java.beans and costs the command line a tenth of a second per call.
     */
    private static Object yamlLoad(Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        SafeConstructor constructor = new SafeConstructor(options);
        constructor.setAllowDuplicateKeys(options.isAllowDuplicateKeys()); // as new Yaml(constructor) would
        constructor.setWrappedToRootException(options.isWrappedToRootException());
        constructor.setComposer(new Composer(new ParserImpl(new StreamReader(reader), options), new Resolver(), options));
        return constructor.getSingleData(Object.class);
    }

    private static Object parse(Path file) throws ConfigException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return yamlLoad(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "", "no such file");
        } catch (IOException e) {
            throw new ConfigException(file, "", "cannot read: " + e);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw new ConfigException(file, "", "invalid YAML: " + where + e.getProblem() + context);
        } catch (YAMLException e) {
            throw new ConfigException(file, "", "invalid YAML: " + e.getMessage());
        }
    }

    /**
     * The whole file, read part by part: a mistake is kept in {@link #errors} and reading goes on
     * with the next part, so that every mistake is found; null if there was any.
     */
    private StigmerConfig config(Node top) {
        errors.keys(top, "daemon", "defaults", "components", "alerts");
        Node daemon = top.at("daemon");
        boolean daemonIsMap = errors.attempt(() -> errors.keys(daemon, "jmx", "http", "maxConcurrentLaunches", "logs"));
        JmxConfig jmx = daemonIsMap ? errors.attempt(() -> jmxAt(daemon.at("jmx")), JmxConfig.DEFAULT) : JmxConfig.DEFAULT;

        Node builtIn = Node.wrap(yamlLoad(new StringReader(BUILT_IN_DEFAULTS)), "defaults", Node.BUILT_IN);
        Node own = top.at("defaults");
        // defaults that are not a map would replace the built-in ones and make every component look incomplete.
        Node defaults = errors.attempt(() -> own.entries())
                ? Node.merge(builtIn, own.inLayer(Node.DEFAULTS)) : builtIn;
        errors.keys(defaults, "restart", "stop", "logs", "probes");
        // Checked on their own too, so that a bad default is reported even where every component overrides it.
        errors.attempt(() -> restart(defaults.at("restart")), null);
        errors.attempt(() -> stopTimeout(defaults.at("stop")), null);
        errors.attempt(() -> logs(defaults.at("logs"), LogsSpec.DEFAULT), null);
        errors.attempt(() -> probes(defaults.at("probes"), null), null);

        Map<String, Node> declared = top.at("components").entries();
        if (declared.isEmpty()) {
            throw top.at("components").invalid("no components: define at least one under components");
        }
        Map<String, ComponentConfig> components = new LinkedHashMap<>();
        declared.forEach((name, ownNode) -> {
            ComponentConfig c = component(name, ownNode, defaults, declared.keySet());
            if (c != null) {
                components.put(name, c);
            }
        });
        Node launches = daemon.at("maxConcurrentLaunches");
        int maxConcurrentLaunches = launches.isAbsent()
                ? StigmerConfig.defaultMaxConcurrentLaunches()
                : errors.attempt(() -> launches.integer(1, 10_000), 1);
        LogsSpec daemonLogs = errors.attempt(() -> logs(daemon.at("logs"), LogsSpec.DEFAULT), LogsSpec.DEFAULT);
        List<ComponentConfig> order = errors.attempt(() -> startOrder(components), List.of());
        HttpConfig http = errors.attempt(() -> http(daemon.at("http"), jmx), HttpConfig.DISABLED);
        List<AlertSpec> alerts = alerts(top.at("alerts"), declared.keySet());
        if (errors.any()) {
            return null;
        }
        return new StigmerConfig(file, jmx, maxConcurrentLaunches, daemonLogs, order, http, alerts);
    }

    /**
     * {@code alerts: [ { events: [failed, ...], components: [...], exec: { command: [...], timeout } |
     * webhook: { url, timeout }, minInterval } ]}.
     */
    private List<AlertSpec> alerts(Node node, Set<String> names) {
        List<AlertSpec> alerts = new ArrayList<>();
        for (Node alert : errors.attempt(node::list, List.<Node>of())) {
            AlertSpec spec = errors.attempt(() -> alert(alert, names), null);
            if (spec != null) {
                alerts.add(spec);
            }
        }
        return alerts;
    }

    private AlertSpec alert(Node alert, Set<String> names) {
            errors.keys(alert, "events", "components", "exec", "webhook", "minInterval");
            Node eventsNode = alert.at("events").required();
            Set<String> events = new LinkedHashSet<>();
            for (Node event : eventsNode.list()) {
                String word = event.string();
                if (!AlertSpec.EVENTS.contains(word)) {
                    throw event.invalid("unknown event '" + word + "'; allowed: " + String.join(", ", AlertSpec.EVENTS));
                }
                events.add(word);
            }
            if (events.isEmpty()) {
                throw eventsNode.invalid("must not be empty; events are: " + String.join(", ", AlertSpec.EVENTS));
            }
            List<String> components = new ArrayList<>();
            for (Node component : alert.at("components").list()) {
                String name = component.string();
                if (!names.contains(name)) {
                    throw component.invalid("unknown component '" + name + "'; components are: " + String.join(", ", names));
                }
                components.add(name);
            }
            Node exec = alert.at("exec");
            Node webhook = alert.at("webhook");
            if (exec.isAbsent() == webhook.isAbsent()) {
                throw alert.invalid(exec.isAbsent()
                        ? "needs exactly one of exec or webhook"
                        : "has both exec and webhook; write two alerts for two hooks");
            }
            Node minInterval = alert.at("minInterval");
            Duration interval = minInterval.isAbsent() ? AlertSpec.DEFAULT_MIN_INTERVAL : minInterval.duration();
            if (!exec.isAbsent()) {
                exec.map("command", "timeout");
                return new AlertSpec(events, components, command(exec.at("command")), null,
                        hookTimeout(exec.at("timeout")), interval);
            }
            webhook.map("url", "timeout");
            return new AlertSpec(events, components, null, url(webhook.at("url")),
                    hookTimeout(webhook.at("timeout")), interval);
    }

    private static Duration hookTimeout(Node node) {
        return node.isAbsent() ? AlertSpec.DEFAULT_TIMEOUT : node.positiveDuration();
    }

    /** {@code logs: { maxSize: 10m, keep: 5 }}; an absent key takes its value from {@code fallback}. */
    private static LogsSpec logs(Node node, LogsSpec fallback) {
        node.map("maxSize", "keep");
        Node maxSize = node.at("maxSize");
        Node keep = node.at("keep");
        return new LogsSpec(
                maxSize.isAbsent() ? fallback.maxBytes() : logSize(maxSize),
                keep.isAbsent() ? fallback.keep() : keep.integer(1, 1000));
    }

    /** A log's size limit, at least 4k so that a rotated file holds whole lines. */
    private static long logSize(Node node) {
        long bytes = bytes(node, "10m, 512k or 1g");
        if (bytes < 4096) {
            throw node.invalid("must be at least 4k, found " + bytes + " bytes");
        }
        return bytes;
    }

    private static JmxConfig jmx(Node daemon) {
        daemon.map("jmx", "http", "maxConcurrentLaunches", "logs");
        return jmxAt(daemon.at("jmx"));
    }

    private static JmxConfig jmxAt(Node jmx) {
        jmx.map("host", "port");
        Node host = jmx.at("host");
        String address = host.string(JmxConfig.DEFAULT.host());
        if (!isLoopback(address)) {
            throw host.invalid("JMX must listen on loopback only (127.x.x.x, localhost or ::1), found '" + address + "'");
        }
        Node port = jmx.at("port");
        return new JmxConfig(address, port.isAbsent() ? JmxConfig.DEFAULT.port() : port.integer(1, 65535));
    }

    /** {@code http: { enabled: true, host: 127.0.0.1, port: N }}; the port defaults to the JMX port + 1. */
    private static HttpConfig http(Node http, JmxConfig jmx) {
        http.map("enabled", "host", "port");
        Node enabled = http.at("enabled");
        if (!enabled.isAbsent() && !enabled.bool()) {
            return HttpConfig.DISABLED;
        }
        Node host = http.at("host");
        String address = host.string(JmxConfig.DEFAULT.host());
        if (!isLoopback(address)) {
            throw host.invalid("the metrics and health endpoints must listen on loopback only"
                    + " (127.x.x.x, localhost or ::1), found '" + address + "'");
        }
        Node port = http.at("port");
        if (port.isAbsent()) {
            if (jmx.port() == 65535) {
                throw http.invalid("no default port after the JMX port 65535: set daemon.http.port");
            }
            return new HttpConfig(true, address, jmx.port() + 1, false);
        }
        int number = port.integer(1, 65535);
        if (number == jmx.port()) {
            throw port.invalid("is the JMX port; the endpoints need a port of their own");
        }
        return new HttpConfig(true, address, number, true);
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")
                || IPV4_LOOPBACK.matcher(host).matches();
    }

    /** One component, each of its parts read even when another is wrong; null if any is. */
    private ComponentConfig component(String name, Node own, Node defaults, Set<String> names) {
        int before = errors.met();
        if (!COMPONENT_NAME.matcher(name).matches()) {
            errors.add(own.invalid("component name '" + name + "' must match [a-z0-9][a-z0-9-]{0,62}"
                    + " (lower-case letters, digits and dashes; it becomes a file name)"));
        }
        if (!errors.attempt(() -> errors.keys(own, "dependsOn", "process", "docker", "restart", "stop", "logs", "probes", "kubernetes"))) {
            return null;
        }
        boolean isProcess = !own.at("process").isAbsent();
        boolean isDocker = !own.at("docker").isAbsent();
        if (isProcess == isDocker) {
            errors.add(own.invalid(isProcess
                    ? "has both process and docker; a component is one or the other"
                    : "needs exactly one of process or docker"));
        }
        // Unknown while the kind is in doubt: checks that need a kind are then not judged.
        String kind = isProcess == isDocker ? null : isDocker ? "docker" : "process";
        Node merged = Node.merge(defaults, own);
        Map<String, ProbeSpec> probes = errors.attempt(() -> probes(merged.at("probes"), kind), Map.of());
        List<String> dependsOn = dependsOn(name, own.at("dependsOn"), names);
        RestartSpec restart = errors.attempt(() -> restart(merged.at("restart")), null);
        Duration stopTimeout = errors.attempt(() -> stopTimeout(merged.at("stop")), null);
        ProcessSpec process = "process".equals(kind) ? errors.attempt(() -> process(own.at("process")), null) : null;
        DockerSpec docker = "docker".equals(kind) ? errors.attempt(() -> docker(name, own.at("docker")), null) : null;
        LogsSpec logs = errors.attempt(() -> logs(merged.at("logs"), LogsSpec.DEFAULT), null);
        KubernetesSpec kubernetes = errors.attempt(() -> kubernetes(own.at("kubernetes")), null);
        if (errors.met() > before) {
            return null;
        }
        return new ComponentConfig(name, dependsOn, restart, stopTimeout, probes.get("startup"), probes.get("liveness"),
                probes.get("readiness"), process, docker, logs, kubernetes);
    }

    /** {@code kubernetes: { image: registry/app:tag }}: read by the export to Kubernetes only. */
    private KubernetesSpec kubernetes(Node node) {
        if (node.isAbsent()) {
            return KubernetesSpec.NONE;
        }
        node.map("image");
        Node imageNode = node.at("image");
        String image = expand(imageNode);
        if (!KubernetesSpec.isImageReference(image)) {
            throw imageNode.invalid("expected " + KubernetesSpec.IMAGE_EXAMPLE + ", found '" + image + "'");
        }
        return new KubernetesSpec(image);
    }

    private List<String> dependsOn(String name, Node node, Set<String> names) {
        List<String> deps = new ArrayList<>();
        for (Node item : errors.attempt(node::list, List.<Node>of())) {
            errors.attempt(() -> {
                String dep = item.string();
                if (dep.equals(name)) {
                    throw item.invalid("a component cannot depend on itself");
                }
                if (!names.contains(dep)) {
                    throw item.invalid("unknown component '" + dep + "'; components are: " + String.join(", ", names));
                }
                if (deps.contains(dep)) {
                    throw item.invalid("'" + dep + "' is listed twice");
                }
                deps.add(dep);
            });
        }
        return deps;
    }

    /** Each field read even when another is wrong; throws the first mistake once all are kept. */
    private RestartSpec restart(Node node) {
        int before = errors.met();
        errors.keys(node, "policy", "backoff", "maxRestarts", "window", "minUptime", "rearmAfter");
        RestartPolicy policy = errors.attempt(() -> policy(node.at("policy")), null);
        BackoffSpec backoff = errors.attempt(() -> backoff(node.at("backoff")), null);
        int maxRestarts = errors.attempt(() -> node.at("maxRestarts").integer(0, Integer.MAX_VALUE), 0);
        Duration window = errors.attempt(() -> node.at("window").positiveDuration(), null);
        Duration minUptime = errors.attempt(() -> node.at("minUptime").duration(), null);
        Duration rearmAfter = errors.attempt(() -> node.at("rearmAfter").duration(), null); // 0s: off, Failed stays Failed
        failIfNew(before);
        return new RestartSpec(policy, backoff, maxRestarts, window, minUptime, rearmAfter);
    }

    /** Mistakes met since {@code before} are kept already: the part that met them is given up. */
    private void failIfNew(int before) {
        if (errors.met() > before) {
            throw new ConfigErrors.GivenUp();
        }
    }

    private static RestartPolicy policy(Node policy) {
        String word = policy.string();
        List<String> policies = Stream.of(RestartPolicy.values()).map(RestartPolicy::yamlName).toList();
        if (!policies.contains(word)) {
            throw policy.invalid("unknown restart policy '" + word + "'; allowed: " + String.join(", ", policies));
        }
        return RestartPolicy.fromYaml(word);
    }

    private BackoffSpec backoff(Node node) {
        int before = errors.met();
        errors.keys(node, "initial", "multiplier", "max", "jitter");
        Duration initial = errors.attempt(() -> node.at("initial").duration(), null); // 0s: restart at once
        Node multiplierNode = node.at("multiplier");
        double multiplier = errors.attempt(() -> {
            double m = multiplierNode.number();
            if (!(m >= 1)) {
                throw multiplierNode.invalid("must be at least 1 (a backoff never shrinks), found " + m);
            }
            return m;
        }, 1.0);
        Duration max = errors.attempt(() -> node.at("max").duration(), null);
        if (initial != null && max != null && max.compareTo(initial) < 0) {
            // Blame whichever of the two was written last: the component over defaults over built-ins.
            Node blamed = node.at("max").layer >= node.at("initial").layer ? node.at("max") : node.at("initial");
            errors.add(blamed.invalid("backoff max (" + Durations.format(max) + ") is less than initial ("
                    + Durations.format(initial) + ")"));
        }
        Node jitterNode = node.at("jitter");
        double jitter = errors.attempt(() -> {
            double j = jitterNode.number();
            if (!(j >= 0 && j <= 1)) {
                throw jitterNode.invalid("must be between 0 and 1, found " + j);
            }
            return j;
        }, 0.0);
        failIfNew(before);
        return new BackoffSpec(initial, multiplier, max, jitter);
    }

    private static Duration stopTimeout(Node stop) {
        stop.map("timeout");
        return stop.at("timeout").positiveDuration();
    }

    /** The three probes by kind; a probe without checks is absent. {@code kind} null: not known yet. */
    private Map<String, ProbeSpec> probes(Node node, String kind) {
        int before = errors.met();
        errors.keys(node, "startup", "liveness", "readiness");
        Map<String, ProbeSpec> probes = new LinkedHashMap<>();
        for (String probe : List.of("startup", "liveness", "readiness")) {
            ProbeSpec spec = errors.attempt(() -> probe(node.at(probe), kind), null);
            if (spec != null) {
                probes.put(probe, spec);
            }
        }
        failIfNew(before);
        return probes;
    }

    private ProbeSpec probe(Node node, String kind) {
        int before = errors.met();
        errors.keys(node, "initialDelay", "period", "timeout", "successThreshold", "failureThreshold", "checks");
        Duration initialDelay = errors.attempt(() -> node.at("initialDelay").duration(), null);
        Duration period = errors.attempt(() -> node.at("period").positiveDuration(), null);
        Duration timeout = errors.attempt(() -> node.at("timeout").positiveDuration(), null);
        int successThreshold = errors.attempt(() -> node.at("successThreshold").integer(1, Integer.MAX_VALUE), 1);
        int failureThreshold = errors.attempt(() -> node.at("failureThreshold").integer(1, Integer.MAX_VALUE), 1);
        List<CheckSpec> checks = new ArrayList<>();
        for (Node item : errors.attempt(() -> node.at("checks").list(), List.<Node>of())) {
            CheckSpec check = errors.attempt(() -> check(item, kind), null);
            if (check != null) {
                checks.add(check);
            }
        }
        failIfNew(before);
        return checks.isEmpty()
                ? null
                : new ProbeSpec(initialDelay, period, timeout, successThreshold, failureThreshold, checks);
    }

    private CheckSpec check(Node item, String kind) {
        Map<String, Node> entries = item.entries();
        if (entries.size() != 1) {
            throw item.invalid("a check is a map with one key, its type (" + String.join(", ", CHECK_TYPES)
                    + "), such as { tcp: { port: 8080 } }");
        }
        String type = entries.keySet().iterator().next();
        Node body = item.at(type);
        switch (type) {
            case "process" -> {
                body.map();
                requireKind(body, kind, type, "process");
                return new CheckSpec.Process();
            }
            case "container" -> {
                body.map();
                requireKind(body, kind, type, "docker");
                return new CheckSpec.Container();
            }
            case "tcp" -> {
                body.map("host", "port");
                return new CheckSpec.Tcp(host(body.at("host")), body.at("port").integer(1, 65535));
            }
            case "grpc" -> {
                body.map("host", "port", "service");
                return new CheckSpec.Grpc(
                        host(body.at("host")), body.at("port").integer(1, 65535), body.at("service").string(""));
            }
            case "http" -> {
                body.map("url");
                return new CheckSpec.Http(url(body.at("url")));
            }
            case "exec" -> {
                body.map("command");
                return new CheckSpec.Exec(command(body.at("command")));
            }
            case "uptime" -> {
                body.map("min");
                return new CheckSpec.Uptime(body.at("min").duration());
            }
            default -> throw body.invalid(
                    "unknown check type '" + type + "'; allowed: " + String.join(", ", CHECK_TYPES));
        }
    }

    private static void requireKind(Node body, String kind, String type, String required) {
        if (kind != null && !kind.equals(required)) {
            throw body.invalid("the " + type + " check is only valid for " + required + " components");
        }
    }

    private static String host(Node node) {
        String host = node.string("127.0.0.1");
        if (host.isBlank()) {
            throw node.invalid("must not be empty");
        }
        return host;
    }

    private static URI url(Node node) {
        String text = node.string();
        try {
            URI url = new URI(text);
            if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // reported below like any other unusable URL
        }
        throw node.invalid("expected an http:// or https:// URL with a host, found '" + text + "'");
    }

    private ProcessSpec process(Node node) {
        int before = errors.met();
        errors.keys(node, "command", "env", "workingDir", "resources");
        Node dirNode = node.at("workingDir");
        Path workingDir = dirNode.isAbsent() ? null : errors.attempt(() -> {
            String dir = expand(dirNode);
            try {
                // A relative directory means relative to the config file, not to wherever the daemon was started.
                return file.toAbsolutePath().getParent().resolve(dir).normalize();
            } catch (InvalidPathException e) {
                throw dirNode.invalid("not a valid path: " + e.getMessage());
            }
        }, null);
        List<String> command = errors.attempt(() -> command(node.at("command")), null);
        Map<String, String> env = errors.attempt(() -> env(node.at("env")), null);
        ResourcesSpec resources = errors.attempt(() -> resources(node.at("resources")), null);
        failIfNew(before);
        return new ProcessSpec(command, env, workingDir, resources);
    }

    /** {@code memory: 256m, cpu: 0.5, pids: 512}, each optional; an absent limit is none. */
    private static ResourcesSpec resources(Node node) {
        node.map("memory", "cpu", "pids");
        Node memory = node.at("memory");
        Node cpu = node.at("cpu");
        Node pids = node.at("pids");
        return new ResourcesSpec(
                memory.isAbsent() ? 0 : memory(memory),
                cpu.isAbsent() ? 0 : cpu(cpu),
                pids.isAbsent() ? 0 : pids.integer(1, Integer.MAX_VALUE));
    }

    /** Bytes, with an optional binary unit: {@code 64m}, {@code 1g}, {@code 1536k}, {@code 1Gi}; at least 1m. */
    private static long memory(Node node) {
        long bytes = bytes(node, "256m, 1g or 1536k");
        if (bytes < MIN_MEMORY) {
            throw node.invalid("must be at least 1m (a smaller limit kills the process before it runs), found "
                    + bytes + " bytes");
        }
        return bytes;
    }

    /** A size in bytes with an optional binary unit ({@code k}, {@code m}, {@code g}, with or without {@code i}/{@code b}). */
    private static long bytes(Node node, String examples) {
        String text;
        try {
            text = node.string();
        } catch (Node.Invalid e) {
            // A bare number of bytes is fine too; YAML reads it as an integer, not a string.
            text = Integer.toString(node.integer(1, Integer.MAX_VALUE));
        }
        Matcher m = MEMORY.matcher(text.strip());
        if (!m.matches()) {
            throw node.invalid("expected a size such as " + examples + ", found '" + text + "'");
        }
        int shift = switch (m.group(2).isEmpty() ? ' ' : Character.toLowerCase(m.group(2).charAt(0))) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            throw node.invalid("too large: '" + text + "'");
        }
    }

    /** Cores: 0.5 is half of one core, 2 is two; CFS quota takes 1 ms of each 100 ms at least. */
    private static double cpu(Node node) {
        double cores = node.number();
        if (!(cores >= 0.01 && cores <= 4096)) {
            throw node.invalid("must be a number of cores between 0.01 and 4096, such as 0.5, found " + cores);
        }
        return cores;
    }

    private DockerSpec docker(String component, Node node) {
        errors.keys(node, "image", "name", "command", "env", "mounts", "network");
        String image = expand(node.at("image"));
        if (image.isBlank()) {
            throw node.at("image").invalid("must not be empty");
        }
        Node nameNode = node.at("name");
        String name = nameNode.string("stigmer-" + component);
        if (!CONTAINER_NAME.matcher(name).matches()) {
            throw nameNode.invalid("a container name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, found '" + name + "'");
        }
        List<String> command = new ArrayList<>();
        for (Node arg : node.at("command").list()) {
            command.add(expand(arg));
        }
        List<String> mounts = new ArrayList<>();
        for (Node mount : node.at("mounts").list()) {
            mounts.add(mount(mount));
        }
        Node network = node.at("network");
        return new DockerSpec(image, name, command, env(node.at("env")), mounts,
                network.isAbsent() ? null : network.string());
    }

    private String mount(Node node) {
        String mount = expand(node);
        String[] parts = mount.split(":", -1);
        boolean ok = (parts.length == 2 || parts.length == 3) && !parts[0].isEmpty() && !parts[1].isEmpty()
                && (parts.length == 2 || parts[2].equals("ro") || parts[2].equals("rw"));
        if (!ok) {
            throw node.invalid("expected source:target or source:target:ro, found '" + mount + "'");
        }
        return mount;
    }

    /** A non-empty list of strings, variables expanded. */
    private List<String> command(Node node) {
        node.required();
        List<Node> items;
        try {
            items = node.list();
        } catch (Node.Invalid e) {
            throw node.invalid(e.getMessage() + "; write the command as a list, such as [program, arg1, arg2]");
        }
        if (items.isEmpty()) {
            throw node.invalid("must not be empty");
        }
        List<String> command = new ArrayList<>();
        for (Node item : items) {
            command.add(expand(item));
        }
        return command;
    }

    private Map<String, String> env(Node node) {
        Map<String, String> env = new LinkedHashMap<>();
        node.entries().forEach((key, value) -> {
            if (key.isEmpty() || key.contains("=") || key.contains("\0")) {
                throw value.invalid("not a valid environment variable name: '" + key + "'");
            }
            env.put(key, expand(value));
        });
        return env;
    }

    /** The string at {@code node} with {@code ${NAME}} replaced from the variables and {@code $$} as {@code $}. */
    private String expand(Node node) {
        String text = node.string();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '$' && next == '$') {
                out.append('$');
                i++;
            } else if (c == '$' && next == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw node.invalid("unterminated ${ in '" + text + "' (write $$ for a literal $)");
                }
                String name = text.substring(i + 2, end);
                String value = variables.get(name);
                if (value == null) {
                    throw node.invalid("unknown variable ${" + name + "}");
                }
                out.append(value);
                i = end;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Topological by {@code dependsOn}, ties in file order: at each step the first component of the
     * file whose dependencies are all placed.
     */
    private static List<ComponentConfig> startOrder(Map<String, ComponentConfig> components) {
        List<ComponentConfig> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (order.size() < components.size()) {
            ComponentConfig next = components.values().stream()
                    .filter(c -> !placed.contains(c.name()) && c.dependsOn().stream()
                            .allMatch(d -> placed.contains(d) || !components.containsKey(d)))
                    .findFirst()
                    .orElseThrow(() -> cycle(components, placed));
            order.add(next);
            placed.add(next.name());
        }
        return order;
    }

    /** Every unplaced component waits for another unplaced one, so following those waits must loop. */
    private static Node.Invalid cycle(Map<String, ComponentConfig> components, Set<String> placed) {
        List<String> walk = new ArrayList<>();
        String current = components.keySet().stream().filter(n -> !placed.contains(n)).findFirst().orElseThrow();
        while (!walk.contains(current)) {
            walk.add(current);
            current = components.get(current).dependsOn().stream()
                    .filter(d -> !placed.contains(d) && components.containsKey(d)).findFirst().orElseThrow();
        }
        List<String> loop = new ArrayList<>(walk.subList(walk.indexOf(current), walk.size()));
        loop.add(current);
        return new Node.Invalid("components." + loop.get(0) + ".dependsOn",
                "dependency cycle: " + loop.stream().collect(Collectors.joining(" -> ")));
    }
}
