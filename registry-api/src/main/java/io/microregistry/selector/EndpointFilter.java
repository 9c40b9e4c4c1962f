package io.microregistry.selector;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Service;

/** Nodes of a service version exposing one endpoint. */
record EndpointFilter(String name) implements Filter {
    @Override
    public boolean test(Service service, Node node) {
        for (Endpoint endpoint : service.endpoints()) {
            if (name.equals(endpoint.name())) {
                return true;
            }
        }
        return false;
    }
}
