package ai.stigmer.alerts;

import ai.stigmer.Version;
import ai.stigmer.cli.Json;
import ai.stigmer.config.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/** Posts the event as a JSON object ({@link AlertEvent#json}); any 2xx answer is delivered. */
final class WebhookHook implements Hook {
    private final URI url;
    private final Supplier<HttpClient> client;

    /** @param client shared by every webhook of the daemon, made on first use (it has a thread of its own) */
    WebhookHook(URI url, Supplier<HttpClient> client) {
        this.url = url;
        this.client = client;
    }

    @Override
    public void deliver(AlertEvent event, Duration timeout) throws HookFailedException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "stigmer/" + Version.VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(event.json())))
                .build();
        HttpResponse<Void> response;
        try {
            response = client.get().send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new HookFailedException("no answer within " + Durations.format(timeout));
        } catch (IOException e) {
            throw new HookFailedException("could not post: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        if (response.statusCode() / 100 != 2) {
            throw new HookFailedException("answered HTTP status " + response.statusCode());
        }
    }
}
