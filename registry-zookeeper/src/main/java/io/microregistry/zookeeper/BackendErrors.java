package io.microregistry.zookeeper;

import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import org.apache.zookeeper.KeeperException;

/**
 * Turns Curator and ZooKeeper exceptions into {@link RegistryException}s with a message for
 * humans and the original attached as cause.
 *
 * <p>Stateless and thread-safe.
 */
final class BackendErrors {
    private BackendErrors() {
    }

    /**
     * @param action   what was attempted, e.g. {@code "register greeter/n1"}
     * @param settings where
     */
    static RegistryException translate(Exception e, String action, ConnectSettings settings) {
        String where = " (ZooKeeper at " + settings.connectString() + ")";
        if (e instanceof RegistryException registryException) {
            return registryException;
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new RegistryUnavailableException("interrupted while trying to " + action + where, e);
        }
        if (e instanceof KeeperException.NoAuthException || e instanceof KeeperException.AuthFailedException
                || e instanceof KeeperException.InvalidACLException) {
            return new RegistryAuthenticationException("ZooKeeper refused to " + action + where
                    + ": the credentials (MICRO_REGISTRY_USERNAME/PASSWORD) lack permission on "
                    + path(e), e);
        }
        if (e instanceof KeeperException.ConnectionLossException
                || e instanceof KeeperException.SessionExpiredException
                || e instanceof KeeperException.SessionMovedException
                || e instanceof KeeperException.OperationTimeoutException
                || e instanceof KeeperException.RequestTimeoutException) {
            return new RegistryUnavailableException("could not " + action + where
                    + ": ZooKeeper did not answer in time (" + ((KeeperException) e).code() + ")", e);
        }
        if (e instanceof KeeperException keeper) {
            return new RegistryException("could not " + action + where + ": ZooKeeper answered " + keeper.code()
                    + " for " + path(e), e);
        }
        return new RegistryException("could not " + action + where + ": " + e.getMessage(), e);
    }

    private static String path(Exception e) {
        if (e instanceof KeeperException keeper && keeper.getPath() != null) {
            return keeper.getPath();
        }
        return "the registry znodes";
    }
}
