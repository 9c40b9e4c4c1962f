package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Service;

/** Both filters must pass; a value, equal when both parts are. */
record AndFilter(Filter first, Filter second) implements Filter {
    @Override
    public boolean test(Service service, Node node) {
        return first.test(service, node) && second.test(service, node);
    }
}
