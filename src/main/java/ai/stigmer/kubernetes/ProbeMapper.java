package ai.stigmer.kubernetes;

import ai.stigmer.config.CheckSpec;
import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.Durations;
import ai.stigmer.config.ProbeSpec;
import io.fabric8.kubernetes.api.model.ExecActionBuilder;
import io.fabric8.kubernetes.api.model.GRPCActionBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.TCPSocketActionBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A stigmer probe as a Kubernetes probe. The checks that Kubernetes runs itself (tcp, grpc, http,
 * exec) become the probe's handler; the timing is carried over as it is, in whole seconds. The
 * other checks are implicit in Kubernetes (process), approximated (uptime) or lost (container),
 * each with its warning.
 */
final class ProbeMapper {
    private final Warnings warnings;
    private Duration minReady = Duration.ZERO;

    ProbeMapper(Warnings warnings) {
        this.warnings = warnings;
    }

    /** The longest {@code uptime} of a probe without handler, for the Deployment's minReadySeconds. */
    Duration minReady() {
        return minReady;
    }

    /** {@code which} is startup, liveness or readiness; null when {@code spec} is absent or has no handler. */
    Probe map(String which, ProbeSpec spec) {
        if (spec == null) {
            return null;
        }
        List<CheckSpec> handlers = new ArrayList<>();
        Duration uptime = null;
        for (CheckSpec check : spec.checks()) {
            if (check instanceof CheckSpec.Process) {
                warnings.add(ExportWarning.Code.PROCESS_CHECK_IMPLICIT, which
                        + " probe: process check: the kubelet restarts the container when its main process exits");
            } else if (check instanceof CheckSpec.Container) {
                warnings.add(ExportWarning.Code.CONTAINER_HEALTHCHECK_IGNORED, which
                        + " probe: container check: the kubelet watches the container but ignores the image's HEALTHCHECK;"
                        + " add an exec, http, tcp or grpc check for Kubernetes to probe");
            } else if (check instanceof CheckSpec.Uptime u) {
                uptime = uptime == null || u.min().compareTo(uptime) > 0 ? u.min() : uptime;
            } else {
                handlers.add(check);
            }
        }
        if (handlers.isEmpty()) {
            warnings.add(ExportWarning.Code.PROBE_NOT_EXPORTED, which + " probe: no tcp, grpc, http or exec check,"
                    + " so no " + which + "Probe (its period, timeout and thresholds are not used)");
            if (uptime != null) {
                warnings.add(ExportWarning.Code.UPTIME_AS_MIN_READY_SECONDS, which + " probe: uptime min "
                        + Durations.format(uptime) + " becomes the Deployment's minReadySeconds (a new pod counts as"
                        + " available once it has been ready that long)");
                minReady = uptime.compareTo(minReady) > 0 ? uptime : minReady;
            }
            return null;
        }
        if (handlers.size() > 1) {
            warnings.add(ExportWarning.Code.EXTRA_CHECK_DROPPED, which + " probe: Kubernetes runs one check per probe;"
                    + " kept " + handlers.get(0).type() + ", dropped " + String.join(", ",
                            handlers.subList(1, handlers.size()).stream().map(CheckSpec::type).toList()));
        }
        Duration initialDelay = spec.initialDelay();
        if (uptime != null) {
            warnings.add(ExportWarning.Code.UPTIME_AS_INITIAL_DELAY, which + " probe: uptime min "
                    + Durations.format(uptime) + " becomes its initialDelaySeconds (failures before it no longer count)");
            initialDelay = uptime.compareTo(initialDelay) > 0 ? uptime : initialDelay;
        }
        int successThreshold = spec.successThreshold();
        if (successThreshold != 1 && !which.equals("readiness")) {
            warnings.add(ExportWarning.Code.SUCCESS_THRESHOLD_FORCED_TO_ONE, which + " probe: successThreshold "
                    + successThreshold + " becomes 1 (Kubernetes allows only 1 for startup and liveness probes)");
            successThreshold = 1;
        }
        ProbeBuilder probe = new ProbeBuilder()
                .withInitialDelaySeconds(Seconds.of(initialDelay, 0, which + " probe initialDelay", warnings))
                .withPeriodSeconds(Seconds.of(spec.period(), 1, which + " probe period", warnings))
                .withTimeoutSeconds(Seconds.of(spec.timeout(), 1, which + " probe timeout", warnings))
                .withSuccessThreshold(successThreshold)
                .withFailureThreshold(spec.failureThreshold());
        handler(probe, which, handlers.get(0));
        return probe.build();
    }

    private void handler(ProbeBuilder probe, String which, CheckSpec check) {
        if (check instanceof CheckSpec.Tcp tcp) {
            probe.withTcpSocket(new TCPSocketActionBuilder()
                    .withHost(host(which, tcp.type(), tcp.host()))
                    .withPort(new IntOrString(tcp.port())).build());
        } else if (check instanceof CheckSpec.Grpc grpc) {
            if (isLoopback(grpc.host())) {
                host(which, grpc.type(), grpc.host());
            } else {
                warnings.add(ExportWarning.Code.GRPC_HOST_DROPPED, which + " probe: grpc check of " + grpc.host()
                        + ": a Kubernetes grpc probe always calls the pod itself");
            }
            probe.withGrpc(new GRPCActionBuilder().withPort(grpc.port())
                    .withService(grpc.service().isEmpty() ? null : grpc.service()).build());
        } else if (check instanceof CheckSpec.Http http) {
            URI url = http.url();
            String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            probe.withHttpGet(new HTTPGetActionBuilder()
                    .withHost(host(which, http.type(), url.getHost()))
                    .withScheme(url.getScheme().toUpperCase(Locale.ROOT))
                    .withPath(path)
                    .withPort(new IntOrString(port(url))).build());
        } else if (check instanceof CheckSpec.Exec exec) {
            probe.withExec(new ExecActionBuilder().withCommand(exec.command()).build());
        } else {
            throw new IllegalArgumentException("not a handler: " + check.type());
        }
    }

    /** The host for the handler: null (the pod's IP) for a loopback address, said in a warning. */
    private String host(String which, String type, String host) {
        if (!isLoopback(host)) {
            return host;
        }
        warnings.add(ExportWarning.Code.CHECK_HOST_IS_POD_IP, which + " probe: " + type + " check of " + host
                + ": the kubelet probes the pod's IP, so the program must listen there too (0.0.0.0), not on loopback only");
        return null;
    }

    /**
     * The ports the checks reach on the component itself (loopback hosts, and every grpc check),
     * by name: what its Service exposes, and what a dependent waits for.
     */
    static Map<String, Integer> podPorts(ComponentConfig c) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Stream.of(c.startup(), c.liveness(), c.readiness())
                .filter(p -> p != null)
                .flatMap(p -> p.checks().stream())
                .forEach(check -> {
                    if (check instanceof CheckSpec.Tcp tcp && isLoopback(tcp.host())) {
                        ports.putIfAbsent("tcp-" + tcp.port(), tcp.port());
                    } else if (check instanceof CheckSpec.Grpc grpc) {
                        ports.putIfAbsent("grpc-" + grpc.port(), grpc.port());
                    } else if (check instanceof CheckSpec.Http http && isLoopback(http.url().getHost())) {
                        ports.putIfAbsent("http-" + port(http.url()), port(http.url()));
                    }
                });
        // One port reached by two kinds of check is one container port.
        Map<String, Integer> distinct = new LinkedHashMap<>();
        ports.forEach((name, port) -> {
            if (!distinct.containsValue(port)) {
                distinct.put(name, port);
            }
        });
        return distinct;
    }

    private static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1") || h.startsWith("127.");
    }
}
