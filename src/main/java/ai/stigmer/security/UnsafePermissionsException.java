package ai.stigmer.security;

import java.io.IOException;

/**
 * A file or folder of the daemon that another user could read or change. The message names the
 * path, what is wrong, and the command that fixes it ({@code chmod 600 <file>}, {@code chown ...}).
 */
public final class UnsafePermissionsException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsafePermissionsException(String message) {
        super(message);
    }
}
