package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Service;

/** Nodes of one service version. */
record VersionFilter(String version) implements Filter {
    @Override
    public boolean test(Service service, Node node) {
        return version.equals(service.version());
    }
}
