package io.microregistry.backend;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Service;
import io.microregistry.WatchOptions;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The rules every backend applies to input before touching the backend, so bad input fails
 * the same way everywhere: an {@link IllegalArgumentException} that names the field and the
 * rule, and nothing written.
 *
 * <p>Stateless and thread-safe.
 */
public final class RegistrationRules {

    /** Longest service name, node id or version, in characters. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Longest node address, in characters. */
    public static final int MAX_ADDRESS_LENGTH = 1024;

    private RegistrationRules() {
    }

    /** Checks a service and its options for {@code register}. */
    public static void checkRegister(Service service, RegisterOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        checkNodes(service, "register");
        checkText("service version", service.version(), true, MAX_NAME_LENGTH);
        checkMap("service metadata", service.metadata());
        for (Endpoint e : service.endpoints()) {
            checkText("endpoint name", e.name(), false, MAX_NAME_LENGTH);
            checkMap("endpoint metadata", e.metadata());
        }
        for (Node node : service.nodes()) {
            checkText("node address", node.address(), false, MAX_ADDRESS_LENGTH);
            checkMap("node metadata", node.metadata());
        }
    }

    /** Checks a service for {@code deregister}: a name and node ids are all it needs. */
    public static void checkDeregister(Service service) {
        checkNodes(service, "deregister");
    }

    /** Checks the options given to {@code watch}. */
    public static void checkWatch(WatchOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        options.service().ifPresent(RegistrationRules::checkServiceName);
    }

    /** Checks a service name given to a lookup or watch. */
    public static void checkServiceName(String name) {
        checkText("service name", name, false, MAX_NAME_LENGTH);
    }

    private static void checkNodes(Service service, String operation) {
        if (service == null) {
            throw new IllegalArgumentException("service must not be null");
        }
        checkServiceName(service.name());
        if (service.nodes().isEmpty()) {
            throw new IllegalArgumentException("service nodes must not be empty: " + operation + " acts on nodes");
        }
        Set<String> ids = new HashSet<>();
        for (Node node : service.nodes()) {
            checkText("node id", node.id(), false, MAX_NAME_LENGTH);
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("node id must be unique within the service, '" + node.id()
                        + "' appears twice");
            }
        }
    }

    private static void checkText(String field, String value, boolean mayBeEmpty, int maxLength) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        if (!mayBeEmpty && value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (value.length() > maxLength) {
            throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters, was "
                    + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + " must not contain control characters, found U+"
                        + String.format("%04X", (int) value.charAt(i)) + " at index " + i);
            }
        }
    }

    private static void checkMap(String field, Map<String, String> map) {
        for (String key : map.keySet()) {
            checkText(field + " key", key, false, MAX_NAME_LENGTH);
        }
    }
}
