package ai.stigmer.kubernetes;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A component's env as container env: values whose names look secret (or all, if asked) go into
 * the component's Secret and are referenced from it, never written as literal values.
 */
final class EnvMapper {
    /** Names that usually hold credentials, anywhere in the name, any case. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE).*");

    final List<EnvVar> env = new ArrayList<>();
    /** Secret data: base64, so that even the Secret does not carry the value as written. */
    final Map<String, String> secretData = new TreeMap<>();

    EnvMapper(Map<String, String> values, String secretName, boolean allSecret) {
        // Sorted: the config's env is unordered once loaded, and the output must not change from run to run.
        new TreeMap<>(values).forEach((name, value) -> {
            if (allSecret || SECRET_NAME.matcher(name).matches()) {
                secretData.put(name, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                env.add(new EnvVarBuilder().withName(name).withNewValueFrom()
                        .withNewSecretKeyRef().withName(secretName).withKey(name).endSecretKeyRef()
                        .endValueFrom().build());
            } else {
                env.add(new EnvVarBuilder().withName(name).withValue(value).build());
            }
        });
    }
}
