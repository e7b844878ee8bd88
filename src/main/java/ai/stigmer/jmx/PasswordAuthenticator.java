package ai.stigmer.jmx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

/**
 * Checks a JMX client's {@code {user, password}} against {@code jmxremote.password} and looks its
 * access level up in {@code jmxremote.access}, both read on every login so an edited file applies
 * at the next connection. The subject carries the user as a {@link JMXPrincipal} and the level as an
 * {@link AccessPrincipal}, which {@link RoleScopedMBeanServer} judges every call by. A user with a
 * password but no (known) access line is refused at login rather than let in with nothing to do.
 */
final class PasswordAuthenticator implements JMXAuthenticator {
    private final Path passwordFile;
    private final Path accessFile;

    PasswordAuthenticator(Path passwordFile, Path accessFile) {
        this.passwordFile = passwordFile;
        this.accessFile = accessFile;
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            throw new SecurityException("Authentication required: a user name and a password");
        }
        Access access;
        try {
            access = JmxCredentials.check(passwordFile, accessFile, pair[0], pair[1]);
        } catch (IOException e) {
            throw new SecurityException("Cannot read the JMX credential files");
        }
        return new Subject(true, Set.of(new JMXPrincipal(pair[0]), new AccessPrincipal(access)), Set.of(), Set.of());
    }
}
