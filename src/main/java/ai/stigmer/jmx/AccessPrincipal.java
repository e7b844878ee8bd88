package ai.stigmer.jmx;

import java.security.Principal;

/**
 * The access level a login was given, put into its {@code Subject} next to its
 * {@code JMXPrincipal} when the password is checked, so every later call of that connection is
 * judged by {@link RoleScopedMBeanServer} without reading the access file again.
 */
record AccessPrincipal(Access access) implements Principal {
    @Override
    public String getName() {
        return access.word();
    }
}
