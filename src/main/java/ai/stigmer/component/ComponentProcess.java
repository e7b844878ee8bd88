package ai.stigmer.component;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the Stigmer component programs (stigmer-server, workflow-runner) share: a stop requested with
 * SIGTERM or SIGINT ends in exit code 0 (not the JVM's 143), while an exit the program chose itself
 * keeps its code; and the parsing of their numeric arguments.
 */
public final class ComponentProcess {
    /** Claimed by whoever ends the JVM first: {@code main} with its code, or the termination hook with 0. */
    private static final AtomicBoolean EXIT_CLAIMED = new AtomicBoolean();

    private ComponentProcess() {}

    /** Ends the JVM with {@code code}, unless a requested stop already ends it with 0. */
    public static void exit(int code) {
        if (EXIT_CLAIMED.compareAndSet(false, true)) {
            System.exit(code);
        }
    }

    /** Runs {@code action} when the JVM is asked to stop (SIGTERM, SIGINT), then ends it with code 0. */
    public static void onTermination(String threadName, Runnable action) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean requestedStop = EXIT_CLAIMED.compareAndSet(false, true);
            action.run();
            if (requestedStop) {
                Runtime.getRuntime().halt(0);
            }
        }, threadName));
    }

    /** The value after option {@code args[i - 1]}. */
    public static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** The number after option {@code args[i - 1]}, from {@code min} to {@code max}. */
    public static long number(String[] args, int i, long min, long max) {
        String v = value(args, i);
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(args[i - 1] + " must be from " + min + " to " + max + ": " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[i - 1] + " is not a number: " + v);
        }
    }
}
