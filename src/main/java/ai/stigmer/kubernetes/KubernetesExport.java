package ai.stigmer.kubernetes;

import ai.stigmer.config.ComponentConfig;
import ai.stigmer.config.DockerSpec;
import ai.stigmer.config.LogsSpec;
import ai.stigmer.config.ProcessSpec;
import ai.stigmer.config.StigmerConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The components of a config as Kubernetes objects: per component a Deployment of one replica,
 * a Service for the ports its checks reach, and a Secret for its secret env. What Kubernetes cannot
 * express becomes an {@link ExportWarning}.
 */
public final class KubernetesExport {
    /** What {@code ${STIGMER_INSTALL}} stands for in an exported config: the install inside the image. */
    public static final String IMAGE_INSTALL = "/opt/stigmer";
    /** What {@code ${STIGMER_HOME}} stands for in an exported config. */
    public static final String IMAGE_HOME = "/var/lib/stigmer";
    /** The image of the init containers that wait for a dependency's Service. */
    static final String WAIT_IMAGE = "busybox:1.36";
    static final String NAME_LABEL = "app.kubernetes.io/name";

    private final StigmerConfig config;
    private final ExportOptions options;

    private KubernetesExport(StigmerConfig config, ExportOptions options) {
        this.config = config;
        this.options = options;
    }

    /**
     * Exports every component of {@code config}.
     *
     * @throws ExportException if a process component has no image, or an image names an unknown component
     */
    public static Export export(StigmerConfig config, ExportOptions options) throws ExportException {
        for (String name : options.images().keySet()) {
            if (config.component(name).isEmpty()) {
                throw new ExportException("--image " + name + "=...: unknown component '" + name + "'; components are: "
                        + String.join(", ", config.components().stream().map(ComponentConfig::name).toList()));
            }
        }
        KubernetesExport export = new KubernetesExport(config, options);
        List<ComponentManifests> components = new ArrayList<>();
        for (ComponentConfig c : config.components()) {
            components.add(export.component(c));
        }
        List<ExportWarning> fileWarnings = new ArrayList<>();
        fileWarnings.add(new ExportWarning(ExportWarning.Code.DAEMON_NOT_EXPORTED, null, "daemon: JMX, the HTTP endpoints,"
                + " the launch limit and daemon.log configure the supervisor itself; in a cluster the kubelet supervises"));
        if (!config.alerts().isEmpty()) {
            fileWarnings.add(new ExportWarning(ExportWarning.Code.ALERTS_NOT_EXPORTED, null, config.alerts().size()
                    + " alert hook(s): these are the daemon's; alert from the cluster's monitoring instead"));
        }
        return new Export(components, fileWarnings);
    }

    private ComponentManifests component(ComponentConfig c) throws ExportException {
        Warnings warnings = new Warnings(c.name());
        List<HasMetadata> objects = new ArrayList<>();

        ProcessSpec process = c.process();
        DockerSpec docker = c.docker();
        String secretName = c.name() + "-env";
        EnvMapper env = new EnvMapper(process != null ? process.env() : docker.env(), secretName, options.allEnvSecret());
        if (!env.secretData.isEmpty()) {
            warnings.add(ExportWarning.Code.SECRET_IN_OUTPUT, "Secret " + secretName + " holds " + env.secretData.keySet()
                    + " base64-encoded, which is not encryption: keep the output out of version control,"
                    + " or create the Secret another way and leave it out");
            objects.add(new SecretBuilder().withMetadata(meta(secretName, c.name())).withType("Opaque")
                    .withData(env.secretData).build());
        }

        Map<String, Integer> ports = ProbeMapper.podPorts(c);
        if (!ports.isEmpty()) {
            objects.add(new ServiceBuilder().withMetadata(meta(c.name(), c.name())).withNewSpec()
                    .withSelector(Map.of(NAME_LABEL, c.name()))
                    .withPorts(ports.entrySet().stream().map(p -> new ServicePortBuilder().withName(p.getKey())
                            .withPort(p.getValue()).withTargetPort(new IntOrString(p.getKey())).build()).toList())
                    .endSpec().build());
        }

        ProbeMapper probes = new ProbeMapper(warnings);
        ContainerBuilder container = new ContainerBuilder()
                .withName(c.name())
                .withImage(image(c))
                .withEnv(env.env)
                .withPorts(ports.entrySet().stream().map(p -> new ContainerPortBuilder().withName(p.getKey())
                        .withContainerPort(p.getValue()).build()).toList())
                .withStartupProbe(probes.map("startup", c.startup()))
                .withLivenessProbe(probes.map("liveness", c.liveness()))
                .withReadinessProbe(probes.map("readiness", c.readiness()));
        if (process != null) {
            container.withCommand(process.command())
                    .withWorkingDir(process.workingDir() == null ? null : process.workingDir().toString())
                    .withResources(ResourceMapper.map(process.resources(), warnings));
            loopback(process.command(), process.env(), warnings);
        } else {
            // Docker's command replaces the image's CMD, as a container's args do.
            container.withArgs(docker.command().isEmpty() ? null : docker.command());
            dockerWarnings(docker, warnings);
            loopback(docker.command(), docker.env(), warnings);
        }

        RestartWarnings.add(c.restart(), warnings);
        if (!c.logs().equals(LogsSpec.DEFAULT)) {
            warnings.add(ExportWarning.Code.LOG_ROTATION_NOT_EXPRESSIBLE, "logs maxSize " + c.logs().maxBytes()
                    + " bytes, keep " + c.logs().keep() + ": container logs rotate by the kubelet's node settings"
                    + " (containerLogMaxSize 10Mi, containerLogMaxFiles 5 by default)");
        }
        int minReadySeconds = Seconds.of(probes.minReady(), 0, "minReadySeconds", warnings);
        objects.add(new DeploymentBuilder().withMetadata(meta(c.name(), c.name())).withNewSpec()
                .withReplicas(1)
                // One instance at a time, as the daemon stops the old one before it launches the next (SPEC §4).
                .withNewStrategy().withType("Recreate").endStrategy()
                .withMinReadySeconds(minReadySeconds == 0 ? null : minReadySeconds)
                .withNewSelector().withMatchLabels(Map.of(NAME_LABEL, c.name())).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(Map.of(NAME_LABEL, c.name())).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds((long) Seconds.of(c.stopTimeout(), 0, "stop timeout", warnings))
                .withInitContainers(waits(c, warnings))
                .withContainers(container.build())
                .endSpec()
                .endTemplate()
                .endSpec().build());
        return new ComponentManifests(c.name(), objects, warnings.list());
    }

    private String image(ComponentConfig c) throws ExportException {
        String image = options.images().get(c.name());
        if (image == null) {
            image = c.kubernetes().image();
        }
        if (image == null && c.docker() != null) {
            image = c.docker().image();
        }
        if (image == null) {
            throw new ExportException("component '" + c.name() + "' runs a process, and a pod needs an image: pass --image "
                    + c.name() + "=IMAGE, or write kubernetes: { image: IMAGE } in the component");
        }
        return image;
    }

    /** One init container per dependency, waiting until the dependency's Service accepts connections (only ready pods do). */
    private List<Container> waits(ComponentConfig c, Warnings warnings) {
        List<Container> waits = new ArrayList<>();
        for (String dep : c.dependsOn()) {
            Map<String, Integer> ports = ProbeMapper.podPorts(config.component(dep).orElseThrow());
            if (ports.isEmpty()) {
                warnings.add(ExportWarning.Code.DEPENDENCY_WITHOUT_SERVICE, "dependsOn " + dep + ": " + dep
                        + " has no tcp, grpc or http check port, so no Service to wait for; the pods start in any order");
                continue;
            }
            int port = ports.values().iterator().next();
            String name = ("wait-for-" + dep).substring(0, Math.min(63, 9 + dep.length())).replaceAll("-+$", "");
            waits.add(new ContainerBuilder().withName(name).withImage(WAIT_IMAGE)
                    .withCommand("sh", "-c", "until nc -z -w 2 " + dep + " " + port + "; do echo waiting for " + dep
                            + "; sleep 2; done")
                    .build());
        }
        return waits;
    }

    private static void dockerWarnings(DockerSpec docker, Warnings warnings) {
        warnings.add(ExportWarning.Code.DOCKER_NAME_UNUSED, "docker name " + docker.name()
                + ": in its pod the container is named after the component");
        for (String mount : docker.mounts()) {
            warnings.add(ExportWarning.Code.DOCKER_MOUNT_NOT_EXPORTED, "docker mount " + mount
                    + ": a path of this machine means nothing on a cluster's nodes; add a volume to the Deployment");
        }
        if (docker.network() != null) {
            warnings.add(ExportWarning.Code.DOCKER_NETWORK_NOT_EXPORTED, "docker network " + docker.network()
                    + ": pods share the cluster's network");
        }
    }

    /** A command or env naming 127.0.0.1 or localhost reaches the pod itself, not another component. */
    private static void loopback(List<String> command, Map<String, String> env, Warnings warnings) {
        Predicate<String> loopback = t -> t.contains("127.0.0.1") || t.contains("localhost");
        // Env values may be secrets: the warning names the variable, never its value.
        Stream<String> places = Stream.concat(command.stream().filter(loopback).map(arg -> "command argument " + arg),
                new TreeMap<>(env).entrySet().stream().filter(e -> loopback.test(e.getValue())).map(e -> "env " + e.getKey()));
        places.findFirst().ifPresent(place -> warnings.add(ExportWarning.Code.LOOPBACK_ADDRESS, place
                + " names a loopback address, which in a pod is the pod itself; name another component by its Service"));
    }

    private ObjectMeta meta(String name, String component) {
        return new ObjectMetaBuilder().withName(name).withNamespace(options.namespace())
                .withLabels(new TreeMap<>(Map.of(NAME_LABEL, component))).build();
    }
}
