package io.microregistry.etcd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells TLS and certificate trouble apart from an etcd that is merely slow or down. gRPC
 * hides a failed handshake behind "waiting for the connection" until the call deadline; this
 * probe makes one connection of its own, the way the client would (plain text, or TLS with
 * the client's very {@link SslContext}), and reads the first answer: a TLS alert to a plain
 * text client, plain bytes to a TLS client, a server certificate the configured CA does not
 * trust, or the server refusing (or missing) the client certificate. A server that does not
 * answer at all is not TLS trouble and yields nothing.
 *
 * <p>Blocking, bounded by the probe's deadline per endpoint. Thread-safe (stateless apart
 * from immutable settings).
 */
final class TlsProbe {
    /** HTTP/2 connection preface and an empty SETTINGS frame: what a gRPC client sends first. */
    private static final byte[] PREFACE = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

    private final List<URI> endpoints;
    private final SslContext tls;
    private final int boundMillis;

    TlsProbe(List<URI> endpoints, SslContext tls, Duration bound) {
        this.endpoints = endpoints;
        this.tls = tls;
        this.boundMillis = (int) Math.max(200, Math.min(Integer.MAX_VALUE, bound.toMillis()));
    }

    /**
     * A diagnosis if every endpoint that answers shows TLS or certificate trouble (and at least
     * one answers); empty otherwise.
     */
    Optional<String> diagnose() {
        String diagnosis = null;
        for (URI endpoint : endpoints) {
            Optional<String> one = probe(endpoint);
            if (one.isEmpty()) {
                return Optional.empty();
            }
            diagnosis = diagnosis == null ? one.get() : diagnosis;
        }
        return Optional.ofNullable(diagnosis);
    }

    private Optional<String> probe(URI endpoint) {
        String where = endpoint.getHost() + ":" + endpoint.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), boundMillis);
            socket.setSoTimeout(boundMillis);
            return tls == null ? plain(socket, where) : secure(socket, endpoint, where);
        } catch (IOException | RuntimeException e) {
            // Not reachable or not answering: not a TLS question.
            return Optional.empty();
        }
    }

    private Optional<String> plain(Socket socket, String where) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(PREFACE);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] head;
        try {
            head = in.readNBytes(5);
        } catch (SocketTimeoutException silent) {
            head = new byte[0];
        }
        if (head.length >= 1 && (head[0] == 0x15 || head[0] == 0x16)) {
            return Optional.of("etcd at " + where + " speaks TLS, but this client connects in plain text: set "
                    + "MICRO_REGISTRY_TLS_CA (and a client certificate if etcd asks for one) or use https:// addresses");
        }
        if (head.length >= 5 && new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/")) {
            return Optional.of("etcd at " + where + " answered plain text with HTTP/1, which is how a TLS port "
                    + "answers a plain text client: set MICRO_REGISTRY_TLS_CA or use https:// addresses");
        }
        if (head.length >= 4 && head[3] == 0x04) {
            // An HTTP/2 SETTINGS frame: a plain text gRPC server, as configured.
            return Optional.empty();
        }
        // Silence or a closed connection: ask the port whether it speaks TLS instead.
        return speaksTls(socket.getInetAddress().getHostAddress(), socket.getPort())
                ? Optional.of("etcd at " + where + " speaks TLS, but this client connects in plain text: set "
                + "MICRO_REGISTRY_TLS_CA (and a client certificate if etcd asks for one) or use https:// addresses")
                : Optional.empty();
    }

    /**
     * Whether the port answers a TLS ClientHello with a ServerHello. Trusts any certificate:
     * it only asks which protocol the port speaks, and sends nothing else.
     */
    private boolean speaksTls(String host, int port) {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(host, port), boundMillis);
                raw.setSoTimeout(boundMillis);
                try (javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                        .createSocket(raw, host, port, false)) {
                    tlsSocket.startHandshake();
                    return true;
                } catch (SSLException e) {
                    String lower = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
                    // Refusing our (absent) certificate is still speaking TLS; plain bytes are not.
                    return !(lower.contains("unrecognized") || lower.contains("plaintext")
                            || lower.contains("terminated the handshake") || lower.contains("not an ssl"));
                }
            }
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private Optional<String> secure(Socket socket, URI endpoint, String where) throws IOException {
        SSLEngine engine = tls.newEngine(ByteBufAllocator.DEFAULT, endpoint.getHost(), endpoint.getPort());
        engine.setUseClientMode(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        int size = Math.max(engine.getSession().getPacketBufferSize(), 32 * 1024);
        ByteBuffer netIn = ByteBuffer.allocate(size);
        ByteBuffer netOut = ByteBuffer.allocate(size);
        ByteBuffer appIn = ByteBuffer.allocate(Math.max(engine.getSession().getApplicationBufferSize(), 32 * 1024));
        ByteBuffer appOut = ByteBuffer.wrap(PREFACE);
        byte[] chunk = new byte[size];
        try {
            engine.beginHandshake();
            long deadline = System.nanoTime() + boundMillis * 2_000_000L;
            // Handshake, then send the preface and read one answer: with TLS 1.3 the server's
            // verdict on the client certificate arrives only after the client finished.
            while (System.nanoTime() < deadline) {
                SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                } else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP
                        || hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && appOut.hasRemaining()) {
                    netOut.clear();
                    engine.wrap(appOut, netOut);
                    netOut.flip();
                    out.write(netOut.array(), 0, netOut.limit());
                    out.flush();
                } else {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (appIn.position() > 0) {
                        // The server answered over TLS: the handshake and the client certificate are fine.
                        return Optional.empty();
                    }
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || result.bytesConsumed() == 0) {
                        int n;
                        try {
                            n = in.read(chunk, 0, Math.min(chunk.length, netIn.remaining()));
                        } catch (SocketTimeoutException e) {
                            return Optional.empty();
                        }
                        if (n < 0) {
                            return engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                                    ? Optional.of("etcd at " + where + " closed the TLS connection right after the "
                                    + "handshake: it most likely refused this client's certificate (check "
                                    + "MICRO_REGISTRY_TLS_CERT / MICRO_REGISTRY_TLS_KEY; etcd wants one signed by "
                                    + "its --trusted-ca-file)")
                                    : Optional.of("etcd at " + where + " closed the connection during the TLS "
                                    + "handshake");
                        }
                        netIn.put(chunk, 0, n);
                    }
                }
            }
            return Optional.empty();
        } catch (SSLException e) {
            return Optional.of(explain(where, e));
        }
    }

    private static String explain(String where, SSLException e) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        String why;
        if (lower.contains("unrecognized ssl message") || lower.contains("not an ssl/tls record")
                || lower.contains("plaintext connection") || lower.contains("wrong version number")) {
            why = "etcd at " + where + " speaks plain text, but this client is configured for TLS: drop the TLS "
                    + "settings or use http:// addresses, or enable TLS on etcd";
        } else if (lower.contains("pkix") || lower.contains("certificate_unknown") && lower.contains("path")
                || lower.contains("unable to find valid certification path")) {
            why = "etcd at " + where + " presented a certificate that the configured CA (MICRO_REGISTRY_TLS_CA) "
                    + "does not trust";
        } else if (lower.contains("bad_certificate") || lower.contains("certificate_required")
                || lower.contains("unknown_ca") || lower.contains("bad certificate")
                || lower.contains("certificate required")) {
            why = "etcd at " + where + " refused this client's certificate (MICRO_REGISTRY_TLS_CERT / "
                    + "MICRO_REGISTRY_TLS_KEY): missing, or not signed by a CA etcd trusts";
        } else if (lower.contains("no subject alternative") || lower.contains("hostname")) {
            why = "etcd at " + where + " presented a certificate for another host name";
        } else {
            why = "TLS handshake with etcd at " + where + " failed";
        }
        return why + " (" + message + ")";
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
