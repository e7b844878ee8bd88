package ai.stigmer.runtime;

/** An instance could not be started; the message says why in plain words (shown as LastError). */
public class LaunchException extends Exception {
    public LaunchException(String message) {
        super(message);
    }

    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
