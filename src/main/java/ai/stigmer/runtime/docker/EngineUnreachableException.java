package ai.stigmer.runtime.docker;

import java.net.URI;

/** The Docker engine could not be reached at all (no socket, refused, no answer in time). */
final class EngineUnreachableException extends RuntimeException {

    EngineUnreachableException(URI host, String reason, Throwable cause) {
        super("Docker is not reachable at " + host + " (" + reason + ")", cause);
    }
}
