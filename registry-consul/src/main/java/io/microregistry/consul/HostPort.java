package io.microregistry.consul;

/**
 * A node address as Consul holds it: a host and a port, port 0 meaning "none". An address
 * that does not round-trip through {@code host:port} (no port, port 0, odd text) is kept
 * whole as the host, so every address reads back exactly as registered.
 *
 * <p>Immutable.
 *
 * @param host host name, IP (IPv6 without brackets) or the whole address
 * @param port 1-65535, or 0 when the address had none
 */
record HostPort(String host, int port) {

    /** Splits {@code host:port} or {@code [v6]:port}; anything else is all host, port 0. */
    static HostPort split(String address) {
        int colon = address.lastIndexOf(':');
        if (colon > 0 && colon < address.length() - 1) {
            String host = address.substring(0, colon);
            String portText = address.substring(colon + 1);
            if (portText.length() <= 5 && portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                int port = Integer.parseInt(portText);
                if (host.length() > 2 && host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                if (port >= 1 && port <= 65535 && join(host, port).equals(address)) {
                    return new HostPort(host, port);
                }
            }
        }
        return new HostPort(address, 0);
    }

    /** The address text: {@code host:port}, {@code [v6]:port}, or the host alone for port 0. */
    static String join(String host, int port) {
        if (port <= 0) {
            return host;
        }
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
