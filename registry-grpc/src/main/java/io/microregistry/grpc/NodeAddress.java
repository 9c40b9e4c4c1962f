package io.microregistry.grpc;

import java.net.InetSocketAddress;

/** Turns a registry node address ({@code host:port}, {@code [v6]:port}) into a socket address. */
final class NodeAddress {

    private NodeAddress() {
    }

    /**
     * The socket address of {@code address}, resolving a host name (blocking) if it is one.
     *
     * @throws IllegalArgumentException if it is not {@code host:port} with a port in 1..65535
     */
    static InetSocketAddress parse(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("node address must be host:port, got '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("node address with an IPv6 host must bracket it ([::1]:port), got '"
                    + address + "'");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("node address port must be a number, got '" + address + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("node address port must be in 1..65535, got '" + address + "'");
        }
        return new InetSocketAddress(host, port);
    }
}
