package io.microregistry.config.store;

import io.microregistry.RegistryException;

/**
 * What a store passes to {@link StoreWatchListener#onTrouble} when it cannot resume from the
 * asked revision (etcd compaction, a wiped or replaced server): the core then re-reads the
 * prefix, emits the difference, and watches from the new revision.
 */
public class HistoryLostException extends RegistryException {
    public HistoryLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
