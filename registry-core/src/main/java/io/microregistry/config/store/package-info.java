/**
 * The config-store SPI a backend implements for the config center, and the one config core over
 * it. A backend writes a {@link io.microregistry.config.store.ConfigStore}; its
 * {@link io.microregistry.config.ConfigProvider} returns it as
 * {@code new StoreConfig(store)}, which adds validation, subscriptions with resume, pull
 * watchers, live layered views, the last-known-good file and typed reads. Not for applications.
 */
package io.microregistry.config.store;
