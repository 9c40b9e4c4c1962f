/**
 * The greeter example: the code to copy to make a service of your own register itself on start,
 * deregister on shutdown, and call other services through a {@link io.microregistry.selector.Selector}.
 *
 * <ul>
 *   <li>{@link io.microregistry.examples.greeter.GreeterNode}: a tiny HTTP service that registers itself
 *       and deregisters when closed.</li>
 *   <li>{@link io.microregistry.examples.greeter.GreeterClient}: calls a greeter picked by the selector,
 *       reports each outcome back to it and retries on another node when one fails.</li>
 *   <li>{@link io.microregistry.examples.greeter.GreeterApp}: a runnable process putting both together;
 *       start several with {@code MICRO_REGISTRY=etcd} and they greet each other.</li>
 * </ul>
 */
package io.microregistry.examples.greeter;
