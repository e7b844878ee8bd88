package ai.stigmer.config;

import java.util.regex.Pattern;

/**
 * What {@code stigmer export kubernetes} needs beyond the component itself ({@code kubernetes: { image }}):
 * the image a process component runs from in a cluster, or another image for a Docker component.
 * The daemon itself never reads it. {@code image} is null when not set.
 */
public record KubernetesSpec(String image) {
    /** Nothing set: a Docker component keeps its own image, a process component needs one from the command line. */
    public static final KubernetesSpec NONE = new KubernetesSpec(null);

    /** [registry[:port]/]path[:tag][@sha256:digest], the grammar of the image references Docker and Kubernetes accept. */
    private static final Pattern IMAGE = Pattern.compile(
            "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?"
                    + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");

    /** What an image reference looks like, for messages. */
    public static final String IMAGE_EXAMPLE = "an image reference such as registry.example.com/team/app:1.0";

    public KubernetesSpec {
        if (image != null && !isImageReference(image)) {
            throw new IllegalArgumentException("not " + IMAGE_EXAMPLE + ": '" + image + "'");
        }
    }

    public static boolean isImageReference(String text) {
        return IMAGE.matcher(text).matches();
    }
}
