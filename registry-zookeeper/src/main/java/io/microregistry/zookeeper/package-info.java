/**
 * The ZooKeeper backend, provider name {@code zookeeper}, on Apache Curator.
 *
 * <p>Layout as go-micro writes it: one znode per node at
 * {@code /micro-registry/<service>/<nodeId>} (with {@code /} replaced by {@code -} in both
 * segments), holding the JSON of the service with that one node. This backend writes
 * EPHEMERAL znodes, so a node lives exactly as long as the ZooKeeper session that wrote it;
 * it reads PERSISTENT ones (as go-micro writes them) too.
 *
 * <p>Only {@link io.microregistry.zookeeper.ZookeeperRegistryProvider} is public; everything
 * else is reached through {@link io.microregistry.Registries}.
 */
package io.microregistry.zookeeper;
