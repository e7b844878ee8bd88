package ai.stigmer.cli;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.KubernetesSpec;
import ai.stigmer.config.StigmerConfig;
import ai.stigmer.kubernetes.Export;
import ai.stigmer.kubernetes.ExportException;
import ai.stigmer.kubernetes.ExportOptions;
import ai.stigmer.kubernetes.ExportWarning;
import ai.stigmer.kubernetes.KubernetesExport;
import ai.stigmer.kubernetes.ManifestYaml;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stigmer export kubernetes}: a Deployment, Service and Secret per component, warnings on
 * stderr. Only this command loads the Kubernetes model (bin/stigmer gives it the full class path);
 * this class itself names none of its types, so the other commands run without it.
 */
@Command(name = "kubernetes", mixinStandardHelpOptions = true,
        description = {"Write Kubernetes manifests for the configured components.",
            "A Deployment each, a Service for the ports their checks reach, a Secret for secret-looking env.",
            "What Kubernetes cannot express is listed on stderr and in a comment at the top of the output."})
final class KubernetesExportCommand implements Callable<Integer> {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final CliEnvironment env;
    @Spec CommandSpec spec;
    @Mixin ConfigOption config;

    @Option(names = "--namespace", paramLabel = "NS", description = "Namespace written into every object (default: none)")
    String namespace;

    @Option(names = "--image", paramLabel = "NAME=IMAGE",
            description = "Image of component NAME (a process component needs one, here or as kubernetes.image)")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--all-env-secret", description = "Put every env value into the Secret, not only secret-looking names")
    boolean allEnvSecret;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Write one <component>.yaml each into DIR instead of stdout")
    Path output;

    KubernetesExportCommand(CliEnvironment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        if (namespace != null && !DNS_LABEL.matcher(namespace).matches()) {
            throw new CliException(ExitCode.USAGE, "--namespace " + namespace
                    + ": a namespace is lower-case letters, digits and dashes, at most 63");
        }
        images.forEach((name, image) -> {
            if (!KubernetesSpec.isImageReference(image)) {
                throw new CliException(ExitCode.USAGE, "--image " + name + "=" + image + ": expected "
                        + KubernetesSpec.IMAGE_EXAMPLE);
            }
        });
        Path file = ConfigLoader.locate(config.orElse(null), env.home().root(), env.install());
        StigmerConfig loaded;
        try {
            loaded = ConfigLoader.load(file, variables());
        } catch (ConfigException e) {
            throw new CliException(ExitCode.USAGE, "invalid configuration: " + e.getMessage());
        }
        Export export;
        try {
            export = KubernetesExport.export(loaded, new ExportOptions(namespace, images, allEnvSecret));
        } catch (ExportException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (ExportWarning w : export.warnings()) {
            err.println(w.line());
        }
        // The file's name only: the output is meant to be committed, and must not depend on where it was made.
        String source = file.getFileName().toString();
        if (output == null) {
            out.print(ManifestYaml.stream(export, source));
        } else {
            for (Path written : ManifestYaml.write(export, source, output)) {
                out.println("wrote " + written);
            }
        }
        return ExitCode.OK;
    }

    /** The config's variables as inside the image: the install and home are paths of the container, not of this machine. */
    private Map<String, String> variables() {
        Map<String, String> vars = env.home().configVariables(env.install());
        vars.put("STIGMER_INSTALL", KubernetesExport.IMAGE_INSTALL);
        vars.put("STIGMER_HOME", KubernetesExport.IMAGE_HOME);
        return vars;
    }
}
