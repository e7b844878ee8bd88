package ai.stigmer.kubernetes;

import java.util.ArrayList;
import java.util.List;

/** The warnings of one component, collected while its objects are built. */
final class Warnings {
    private final String component;
    private final List<ExportWarning> list = new ArrayList<>();

    Warnings(String component) {
        this.component = component;
    }

    void add(ExportWarning.Code code, String message) {
        list.add(new ExportWarning(code, component, message));
    }

    List<ExportWarning> list() {
        return List.copyOf(list);
    }
}
