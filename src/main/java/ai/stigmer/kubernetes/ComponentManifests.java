package ai.stigmer.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/** The Kubernetes objects of one component, in the order to apply them, and what did not map. */
public record ComponentManifests(String component, List<HasMetadata> objects, List<ExportWarning> warnings) {
    public ComponentManifests {
        objects = List.copyOf(objects);
        warnings = List.copyOf(warnings);
    }
}
