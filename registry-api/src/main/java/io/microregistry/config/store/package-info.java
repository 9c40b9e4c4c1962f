/**
 * The config-store SPI a backend implements for the config center: a
 * {@link io.microregistry.config.store.ConfigStore} returned by a
 * {@link io.microregistry.config.ConfigProvider}. Not for applications.
 */
package io.microregistry.config.store;
