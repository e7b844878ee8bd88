package ai.stigmer.runtime.docker;

import com.github.dockerjava.transport.SSLConfig;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS configuration given to the transport for a {@code unix://} (or {@code npipe://}) engine: a
 * TLS context that refuses every use. Over a socket the transport never speaks TLS, yet without a
 * context of ours it builds the JDK's default one at once, which reads and parses every certificate
 * of the system's trust store (about 240 classes of {@code sun.security} and a few MB of heap that
 * the daemon then keeps for its whole life). A {@code tcp://} engine keeps docker-java's own
 * configuration: there a context would turn {@code http} into {@code https}.
 */
final class SocketWithoutTls extends SSLContext {
    static final SSLConfig CONFIG = SocketWithoutTls::new;

    private SocketWithoutTls() {
        super(new Refusing(), null, "none");
    }

    private static final class Refusing extends SSLContextSpi {
        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("no TLS over a Unix socket to the Docker engine");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
