package ai.stigmer.kubernetes;

import ai.stigmer.config.ResourcesSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code process.resources} as container resources. stigmer's limits become both limits and requests:
 * a request below the limit would be a guess, and the scheduler needs one to place the pod.
 */
final class ResourceMapper {
    private ResourceMapper() {}

    /** Null when no limit is set. */
    static ResourceRequirements map(ResourcesSpec spec, Warnings warnings) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        if (spec.memoryBytes() > 0) {
            amounts.put("memory", new Quantity(memory(spec.memoryBytes())));
        }
        if (spec.cpu() > 0) {
            long millis = Math.max(1, Math.round(spec.cpu() * 1000));
            if (Math.abs(millis - spec.cpu() * 1000) > 1e-6) {
                warnings.add(ExportWarning.Code.CPU_ROUNDED, "cpu " + spec.cpu() + " rounded to " + millis
                        + "m (Kubernetes counts thousandths of a core)");
            }
            amounts.put("cpu", new Quantity(millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m"));
        }
        if (spec.pids() > 0) {
            warnings.add(ExportWarning.Code.PIDS_LIMIT_NOT_EXPRESSIBLE, "pids " + spec.pids()
                    + ": Kubernetes limits processes per pod or node (the kubelet's podPidsLimit), not per container");
        }
        return amounts.isEmpty() ? null : new ResourceRequirements(null, amounts, new LinkedHashMap<>(amounts));
    }

    /** In Kubernetes' binary units: 64m of stigmer is 64Mi (a bare m would be thousandths). */
    static String memory(long bytes) {
        String[] units = {"Gi", "Mi", "Ki"};
        long[] sizes = {1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes % sizes[i] == 0) {
                return bytes / sizes[i] + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
