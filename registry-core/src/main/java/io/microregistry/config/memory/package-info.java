/** The embedded {@code memory} config store. */
package io.microregistry.config.memory;
