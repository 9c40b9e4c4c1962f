package io.microregistry.consul;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of a real agent that can be frozen: once frozen it keeps accepting
 * and keeps connections open but drops every byte the client sends, so each call hangs until
 * the client's own timeout, as with a hung agent. It can also {@link #hold()} requests: they
 * are kept, not dropped, and reach the agent when {@link #release() released}, even if the
 * client gave up on them meanwhile, as a request stuck in a stopped or restarting agent is
 * applied late. For tests; daemon threads, closed by close().
 */
final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    /** Guards {@link #held}; released pumps wait on it. */
    private final Object holdLock = new Object();
    private boolean held;
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();

    FreezableProxy(String targetHostPort) throws IOException {
        this.target = targetHostPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::acceptLoop, "proxy-accept");
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Client connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** The most client connections open at once so far. */
    int peakOpen() {
        return peak.get();
    }

    void freeze() {
        frozen = true;
    }

    /** From now on, requests wait in the proxy instead of reaching the agent. */
    void hold() {
        synchronized (holdLock) {
            held = true;
        }
    }

    /** Every held request goes on to the agent, in its connection's order. */
    void release() {
        synchronized (holdLock) {
            held = false;
            holdLock.notifyAll();
        }
    }

    private boolean held() {
        synchronized (holdLock) {
            return held;
        }
    }

    private void awaitRelease() throws InterruptedException {
        synchronized (holdLock) {
            while (held) {
                holdLock.wait();
            }
        }
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = server.accept();
                int colon = target.lastIndexOf(':');
                Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                sockets.add(client);
                sockets.add(upstream);
                accepted.incrementAndGet();
                peak.accumulateAndGet(open.incrementAndGet(), Math::max);
                daemon(() -> pump(client, upstream, true), "proxy-up");
                daemon(() -> {
                    pump(upstream, client, false);
                    open.decrementAndGet();
                }, "proxy-down");
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[8192];
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (request && frozen) {
                    continue; // the hung agent never sees the request
                }
                if (request && held()) {
                    pending.write(buffer, 0, n);
                    continue;
                }
                pending.writeTo(out);
                pending.reset();
                out.write(buffer, 0, n);
                out.flush();
            }
            if (pending.size() > 0) {
                // The client gave up; the agent still gets the request once released, and the
                // connection stays open so that the agent answers it rather than drops it.
                awaitRelease();
                pending.writeTo(out);
                out.flush();
                return;
            }
            to.close();
        } catch (IOException e) {
            // closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
