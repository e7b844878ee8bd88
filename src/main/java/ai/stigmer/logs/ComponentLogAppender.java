package ai.stigmer.logs;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * Appends each line that carries a component in its context ({@code component}, as
 * {@code Slf4jComponentLog} sets it) to {@code <directory>/<component>.log}, the file the component's
 * own output is appended to; lines without one go nowhere.
 *
 * <p>What log4j's {@code Routing} appender did with one {@code File} appender per component, built
 * from the configuration the first time the component logs. That build (plugin lookup, reflection,
 * a pattern parsed anew) took about a millisecond of the watchdog thread per component, and the
 * watchdog logs each component's first line as it starts: the larger part of its work in a cold
 * start of 200 components. Here every component shares the one layout, and a component's file is
 * opened once, O_APPEND, as the File appender opened it; a rotation in place
 * ({@link AppendedLogRotation}) therefore needs no reopening. Each line is written at once (one
 * {@code write(2)}), as with the File appender's {@code immediateFlush}. A file that cannot be
 * opened or written is reported through log4j's error handler and opened again for the next line.
 */
@Plugin(name = "ComponentLogs", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE, printObject = true)
public final class ComponentLogAppender extends AbstractAppender {
    /** The context key that names the component of a line. */
    public static final String CONTEXT_KEY = "component";

    private final Path directory;
    private final Map<String, FileOutputStream> files = new ConcurrentHashMap<>();

    private ComponentLogAppender(String name, Path directory, Layout<? extends Serializable> layout, Filter filter) {
        super(name, filter, layout, true, Property.EMPTY_ARRAY);
        this.directory = directory;
    }

    /** {@code directory}: where the components' logs are ({@code ${logs}}); {@code layout}: one line of each. */
    @PluginFactory
    public static ComponentLogAppender create(@PluginAttribute("name") String name,
            @PluginAttribute("directory") String directory,
            @PluginElement("Layout") Layout<? extends Serializable> layout,
            @PluginElement("Filter") Filter filter) {
        if (name == null || directory == null || layout == null) {
            LOGGER.error("ComponentLogs needs a name, a directory and a layout");
            return null;
        }
        return new ComponentLogAppender(name, Path.of(directory), layout, filter);
    }

    /** The file of {@code component}'s lines. */
    Path file(String component) {
        return directory.resolve(component + ".log");
    }

    @Override
    public void append(LogEvent event) {
        String component = event.getContextData().getValue(CONTEXT_KEY);
        if (component == null || component.isEmpty()) {
            return;
        }
        byte[] line = getLayout().toByteArray(event);
        FileOutputStream out = null;
        try {
            out = files.computeIfAbsent(component, this::open);
            synchronized (out) {
                out.write(line);
            }
        } catch (UncheckedIOException | IOException e) {
            if (out != null) {
                files.remove(component, out);
                closeQuietly(out);
            }
            error("Cannot write to " + file(component) + ": " + e.getMessage(), event, e);
        }
    }

    private FileOutputStream open(String component) {
        Path file = file(component);
        try {
            Files.createDirectories(file.getParent());
            return new FileOutputStream(file.toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public boolean stop(long timeout, TimeUnit timeUnit) {
        setStopping();
        boolean stopped = super.stop(timeout, timeUnit, false);
        files.values().forEach(ComponentLogAppender::closeQuietly);
        files.clear();
        setStopped();
        return stopped;
    }

    private static void closeQuietly(FileOutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            // closing what was open for appending: nothing left to lose
        }
    }
}
