package ai.stigmer.jmx;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.AccessControlContext;
import java.security.AccessController;
import javax.security.auth.Subject;

/**
 * The authenticated {@code Subject} of the JMX call running on this thread: the connector runs each
 * remote call as its login's subject. {@code Subject.current()} where the JDK has it (18+; the only
 * way from 23 on), {@code Subject.getSubject(AccessController.getContext())} on 17.
 */
final class CallerSubject {
    private static final MethodHandle CURRENT = currentHandle();

    private CallerSubject() {}

    /** The subject, or null when the call does not come from a remote login (the connector's own work). */
    @SuppressWarnings("removal")
    static Subject get() {
        if (CURRENT != null) {
            try {
                return (Subject) CURRENT.invokeExact();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
        AccessControlContext context = AccessController.getContext();
        return Subject.getSubject(context);
    }

    private static MethodHandle currentHandle() {
        try {
            return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
