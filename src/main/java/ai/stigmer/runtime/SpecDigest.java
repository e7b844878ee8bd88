package ai.stigmer.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short fingerprint (16 hex digits of SHA-256) of what an instance was launched with: its command,
 * its configured environment. It is saved with the instance (in {@code run/<component>.instance} for a
 * process, as a label on a container), so that an adopted instance can be compared with the config
 * without reading back its command line (which programs may rewrite, or a launch wrapper may prefix)
 * and without ever writing an env value, which may be a secret, anywhere in clear.
 */
public final class SpecDigest {
    private SpecDigest() {}

    /** The fingerprint of a command line and the directory it runs in (null for the daemon's). */
    public static String ofCommand(List<String> command, Object workingDir) {
        StringBuilder s = new StringBuilder("cmd");
        command.forEach(arg -> s.append('\0').append(arg));
        s.append('\0').append("dir=").append(workingDir == null ? "" : workingDir.toString());
        return digest(s.toString());
    }

    /** The fingerprint of the configured environment, independent of the order of its keys. */
    public static String ofEnv(Map<String, String> env) {
        StringBuilder s = new StringBuilder("env");
        new TreeMap<>(env).forEach((k, v) -> s.append('\0').append(k).append('=').append(v));
        return digest(s.toString());
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
