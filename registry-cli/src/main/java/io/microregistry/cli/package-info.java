/**
 * The {@code micro-registry} command line tool (picocli): {@code services}, {@code get}, {@code watch},
 * {@code register}, {@code deregister}, {@code select} and {@code demo}, against whichever backend
 * {@code MICRO_REGISTRY} or {@code --registry} names. Entry point: {@link io.microregistry.cli.MicroRegistry}.
 * Everything else here is package-private.
 */
package io.microregistry.cli;
