package ai.stigmer.probe;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;

/** {@code http}: a GET answers with a status from 200 to 399 (redirects are not followed). */
public final class HttpCheck implements Check {
    private final URI url;

    public HttpCheck(URI url) {
        this.url = url;
    }

    @Override
    public String describe() {
        // Credentials in the URL stay out of log lines and LastError.
        return "http " + (url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "***@"));
    }

    @Override
    public CheckResult run(CheckContext context) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        int millis = Timeouts.millis(context.timeout());
        connection.setConnectTimeout(millis);
        connection.setReadTimeout(millis);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        try {
            int status = connection.getResponseCode();
            return status >= 200 && status < 400 ? CheckResult.pass() : CheckResult.fail("HTTP status " + status);
        } catch (SocketTimeoutException e) {
            return CheckResult.fail("timeout");
        } catch (IOException e) {
            return CheckResult.fail(e.getMessage());
        } finally {
            connection.disconnect();
        }
    }
}
