package ai.stigmer.kubernetes;

/** The config cannot be exported as asked (a process component without an image, an unknown component). */
public final class ExportException extends Exception {
    public ExportException(String message) {
        super(message);
    }
}
