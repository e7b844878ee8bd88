package ai.stigmer.cli;

import ai.stigmer.config.ConfigException;
import ai.stigmer.config.ConfigLoader;
import ai.stigmer.config.JmxConfig;
import ai.stigmer.daemon.StigmerHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the command line finds things: the daemon's home, the install ({@code -Dstigmer.install},
 * set by {@code bin/stigmer}) and, from the config file, the JMX address.
 */
record CliEnvironment(StigmerHome home, Path install, Function<Path, JmxConfig> jmxForConfig) {

    static CliEnvironment fromSystem() {
        StigmerHome home = StigmerHome.fromEnvironment();
        String property = System.getProperty("stigmer.install", System.getenv("STIGMER_INSTALL"));
        Path install = Path.of(property != null ? property : ".").toAbsolutePath().normalize();
        return new CliEnvironment(home, install, explicit -> jmxFromConfig(explicit, home, install));
    }

    /** The JMX address of the config the daemon uses (SPEC §1); {@code explicit} is {@code --config}. */
    JmxConfig jmx(Path explicitConfig) {
        return jmxForConfig.apply(explicitConfig);
    }

    private static JmxConfig jmxFromConfig(Path explicit, StigmerHome home, Path install) {
        Path file = ConfigLoader.locate(explicit, home.root(), install);
        if (explicit == null && !Files.exists(file)) {
            return JmxConfig.DEFAULT;
        }
        try {
            // daemon.jmx only, and not parsed again while the file is unchanged: status is polled
            return new JmxAddressCache(home.run()).load(file);
        } catch (ConfigException e) {
            throw new CliException(ExitCode.USAGE, "invalid configuration: " + e.getMessage());
        }
    }

    /** Checks the whole config the daemon would use, as it will: before starting one in the background. */
    void validate(Path explicitConfig) {
        Path file = ConfigLoader.locate(explicitConfig, home.root(), install);
        if (explicitConfig == null && !Files.exists(file)) {
            return; // a test environment without an install: the daemon reports it itself
        }
        try {
            ConfigLoader.load(file, home.configVariables(install));
        } catch (ConfigException e) {
            throw new CliException(ExitCode.USAGE, "invalid configuration: " + e.getMessage());
        }
    }

}
