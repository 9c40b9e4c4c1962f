/**
 * grpc-java over the registry: {@link io.microregistry.grpc.MicroNameResolverProvider} resolves
 * {@code micro:///<service>} targets by push from the registry,
 * {@link io.microregistry.grpc.WeightedRoundRobinProvider} balances by node weight, and
 * {@link io.microregistry.grpc.ServerRegistration} registers a running {@code io.grpc.Server}.
 */
package io.microregistry.grpc;
