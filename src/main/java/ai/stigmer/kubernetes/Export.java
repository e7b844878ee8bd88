package ai.stigmer.kubernetes;

import java.util.List;
import java.util.stream.Stream;

/** A whole config exported: each component's objects in start order, and the warnings about the file itself. */
public record Export(List<ComponentManifests> components, List<ExportWarning> fileWarnings) {
    public Export {
        components = List.copyOf(components);
        fileWarnings = List.copyOf(fileWarnings);
    }

    /** Every warning: the file's, then each component's. */
    public List<ExportWarning> warnings() {
        return Stream.concat(fileWarnings.stream(), components.stream().flatMap(c -> c.warnings().stream())).toList();
    }
}
