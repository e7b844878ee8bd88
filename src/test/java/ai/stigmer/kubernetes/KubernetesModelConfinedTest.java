package ai.stigmer.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes model and its YAML writer are named only by this package, and this package only by
 * the export command: the daemon never loads them (its memory is measured), and the other commands
 * run on bin/stigmer's short class path, which does not have them.
 */
class KubernetesModelConfinedTest {
    private static final Path CLASSES = Path.of(KubernetesExport.class.getProtectionDomain().getCodeSource().getLocation().getPath());

    @Test
    void onlyTheExportNamesTheKubernetesModel() throws Exception {
        assertEquals(List.of(), classesNaming("io/fabric8/", "com/fasterxml/jackson/dataformat/yaml/").stream()
                .filter(c -> !c.startsWith("ai/stigmer/kubernetes/")).toList(), "classes outside ai.stigmer.kubernetes");
        assertEquals(List.of("ai/stigmer/cli/KubernetesExportCommand.class"), classesNaming("ai/stigmer/kubernetes/").stream()
                .filter(c -> !c.startsWith("ai/stigmer/kubernetes/")).toList());
    }

    /** Compiled classes whose constant pool holds one of {@code prefixes} (class names are stored as UTF-8 text). */
    private static List<String> classesNaming(String... prefixes) throws Exception {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            return files.filter(f -> f.toString().endsWith(".class")).filter(f -> {
                try {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    return Stream.of(prefixes).anyMatch(bytes::contains);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> CLASSES.relativize(f).toString()).sorted().toList();
        }
    }
}
