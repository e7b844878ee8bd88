package ai.stigmer.jmx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;

/**
 * Checks a JMX client's {@code {user, password}} against {@code jmxremote.password}, read on every
 * connection so an edited file applies at once. The subject's principal is the role name, which
 * the access file then maps to readonly or readwrite.
 */
final class PasswordAuthenticator implements JMXAuthenticator {
    private final Path passwordFile;

    PasswordAuthenticator(Path passwordFile) {
        this.passwordFile = passwordFile;
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            throw new SecurityException("Authentication required: a user name and a password");
        }
        String expected;
        try {
            expected = JmxCredentials.readPasswords(passwordFile).get(pair[0]);
        } catch (IOException e) {
            throw new SecurityException("Cannot read the JMX password file");
        }
        if (expected == null || !MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), pair[1].getBytes(StandardCharsets.UTF_8))) {
            throw new SecurityException("Invalid user name or password");
        }
        return new Subject(true, Set.of(new JMXPrincipal(pair[0])), Set.of(), Set.of());
    }
}
