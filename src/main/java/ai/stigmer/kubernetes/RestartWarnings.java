package ai.stigmer.kubernetes;

import ai.stigmer.config.BackoffSpec;
import ai.stigmer.config.Durations;
import ai.stigmer.config.RestartPolicy;
import ai.stigmer.config.RestartSpec;

/**
 * The restart rules of SPEC §4 that a Deployment cannot express: its pods always restart, with the
 * kubelet's own crash-loop backoff, without limit.
 */
final class RestartWarnings {
    private RestartWarnings() {}

    static void add(RestartSpec restart, Warnings warnings) {
        if (restart.policy() != RestartPolicy.ALWAYS) {
            warnings.add(ExportWarning.Code.RESTART_POLICY_NOT_EXPRESSIBLE, "restart policy " + restart.policy().yamlName()
                    + ": a Deployment's pods always restart (restartPolicy: Always)");
        }
        BackoffSpec b = restart.backoff();
        warnings.add(ExportWarning.Code.BACKOFF_NOT_EXPRESSIBLE, "backoff " + Durations.format(b.initial()) + " x"
                + b.multiplier() + " up to " + Durations.format(b.max()) + ", jitter " + b.jitter()
                + ": the kubelet's crash-loop backoff applies instead (10s, doubling up to 5m)");
        warnings.add(ExportWarning.Code.RESTART_LIMIT_NOT_EXPRESSIBLE, "maxRestarts " + restart.maxRestarts() + " in "
                + Durations.format(restart.window()) + ", then Failed: Kubernetes restarts without limit and has no Failed");
        warnings.add(ExportWarning.Code.MIN_UPTIME_NOT_EXPRESSIBLE, "minUptime " + Durations.format(restart.minUptime())
                + ": the kubelet resets its backoff after 10m of running instead");
        if (restart.rearms()) {
            warnings.add(ExportWarning.Code.REARM_NOT_EXPRESSIBLE, "rearmAfter " + Durations.format(restart.rearmAfter())
                    + ": without a Failed state there is nothing to rearm");
        }
    }
}
