package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Service;

/** Nodes carrying one metadata label. */
record MetadataFilter(String key, String value) implements Filter {
    @Override
    public boolean test(Service service, Node node) {
        return value.equals(node.metadata().get(key));
    }
}
