package io.microregistry.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback with a gate: {@link #shut()} drops every connection and refuses
 * new ones (accepted, then closed at once), {@link #open()} lets clients through again. So a
 * test decides when a client can reach the server again, whatever its reconnect timing.
 * For tests; daemon threads, ended by {@link #close()}.
 */
final class GatedProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean shut;

    GatedProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept, "gated-proxy-accept");
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Drops every open connection and refuses new ones until {@link #open()}. */
    void shut() {
        shut = true;
        sockets.forEach(GatedProxy::quietClose);
        sockets.clear();
    }

    void open() {
        shut = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (shut) {
                    quietClose(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                daemon(() -> pump(client, upstream), "gated-proxy-up");
                daemon(() -> pump(upstream, client), "gated-proxy-down");
            } catch (IOException e) {
                // Closed, or the server is down: the client sees its connection fail and retries.
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // One side went away: end both.
        } finally {
            quietClose(from);
            quietClose(to);
        }
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void quietClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        shut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
