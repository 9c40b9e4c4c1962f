/**
 * The config center: watched key-value configuration on the registry's backends, chosen by
 * the same {@code MICRO_REGISTRY} settings. Start at {@link io.microregistry.config.Configs}
 * and {@link io.microregistry.config.Config}.
 */
package io.microregistry.config;
