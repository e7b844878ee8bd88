package ai.stigmer.kubernetes;

/**
 * Something of the config that Kubernetes cannot say as stigmer does: approximated or left out.
 * Every such field yields one of these, so nothing is dropped silently. {@code component} is null
 * for what concerns the whole file.
 */
public record ExportWarning(Code code, String component, String message) {

    /** The stable names of what the export reports; tests and scripts match on them. */
    public enum Code {
        /** A {@code process} check: the kubelet watches the container's main process anyway. */
        PROCESS_CHECK_IMPLICIT(true),
        /** A {@code container} check: the kubelet watches the container, but ignores the image's HEALTHCHECK. */
        CONTAINER_HEALTHCHECK_IGNORED(false),
        /** A probe with no tcp, grpc, http or exec check has no handler, so no Kubernetes probe. */
        PROBE_NOT_EXPORTED(false),
        /** Kubernetes runs one handler per probe: the probe's first tcp/grpc/http/exec check is kept. */
        EXTRA_CHECK_DROPPED(false),
        /** An {@code uptime} check beside a handler: the probe starts after it ({@code initialDelaySeconds}). */
        UPTIME_AS_INITIAL_DELAY(false),
        /** An {@code uptime} check in a probe without handler: the Deployment's {@code minReadySeconds}. */
        UPTIME_AS_MIN_READY_SECONDS(false),
        /** A duration that is not a whole number of seconds, rounded up. */
        DURATION_ROUNDED(false),
        /** Kubernetes requires successThreshold 1 for startup and liveness probes. */
        SUCCESS_THRESHOLD_FORCED_TO_ONE(false),
        /** A check of 127.0.0.1: the kubelet probes the pod's IP, where the program must listen too. */
        CHECK_HOST_IS_POD_IP(false),
        /** A grpc check of another host: a Kubernetes grpc probe always targets the pod. */
        GRPC_HOST_DROPPED(false),
        /** The command or env names a loopback address, which in a pod is the pod itself. */
        LOOPBACK_ADDRESS(false),
        /** A dependency without a check port has no Service to wait for: the start order is lost. */
        DEPENDENCY_WITHOUT_SERVICE(false),
        /** on-failure and never: a Deployment's pods always restart. */
        RESTART_POLICY_NOT_EXPRESSIBLE(false),
        /** The kubelet's crash-loop backoff (10s doubling to 5m) replaces the configured curve. */
        BACKOFF_NOT_EXPRESSIBLE(false),
        /** maxRestarts in window, then Failed: Kubernetes restarts without limit. */
        RESTART_LIMIT_NOT_EXPRESSIBLE(false),
        /** minUptime: the kubelet resets its backoff after 10 minutes of running instead. */
        MIN_UPTIME_NOT_EXPRESSIBLE(false),
        /** rearmAfter: there is no Failed state to come back from. */
        REARM_NOT_EXPRESSIBLE(false),
        /** A pids limit: Kubernetes limits pids per node or pod (kubelet settings), not per container. */
        PIDS_LIMIT_NOT_EXPRESSIBLE(false),
        /** A cpu limit finer than a thousandth of a core. */
        CPU_ROUNDED(false),
        /** A log rotation other than the kubelet's default (10Mi, 5 files), which is a node setting. */
        LOG_ROTATION_NOT_EXPRESSIBLE(false),
        /** The Docker container name: in a pod the container is named after the component. */
        DOCKER_NAME_UNUSED(true),
        /** A Docker mount: host paths of this machine mean nothing on a cluster's nodes. */
        DOCKER_MOUNT_NOT_EXPORTED(false),
        /** A Docker network: pods share the cluster's network. */
        DOCKER_NETWORK_NOT_EXPORTED(false),
        /** Secret values are in the output, base64-encoded, which is not encryption. */
        SECRET_IN_OUTPUT(false),
        /** {@code alerts:} hooks are the daemon's; a cluster alerts through its own monitoring. */
        ALERTS_NOT_EXPORTED(false),
        /** {@code daemon:} configures the supervisor itself; in a cluster the kubelet supervises. */
        DAEMON_NOT_EXPORTED(true);

        private final boolean info;

        Code(boolean info) {
            this.info = info;
        }

        /** True if this only says how something maps, with nothing lost. */
        public boolean info() {
            return info;
        }
    }

    /** One line: {@code warning: stigmer-server: CODE: message}. */
    public String line() {
        return (code.info() ? "info" : "warning") + ": " + (component == null ? "" : component + ": ")
                + code + ": " + message;
    }
}
