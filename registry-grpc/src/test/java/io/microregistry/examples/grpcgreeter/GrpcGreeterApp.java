package io.microregistry.examples.grpcgreeter;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.grpc.MicroNameResolverProvider;
import io.microregistry.grpc.ServerRegistration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The greeter example over gRPC: a real gRPC server registered in the registry under
 * {@code greeter-grpc}, and a channel on {@code micro:///greeter-grpc?version=1.0.0} that calls
 * {@code helloworld.Greeter/SayHello} every two seconds on whichever greeter round-robin picks.
 * The backend comes from the environment:
 *
 * <pre>
 * MICRO_REGISTRY=etcd ./mvnw -B -q -pl registry-grpc -am -DskipTests -Pgrpc-greeter verify
 * </pre>
 *
 * Run it in two terminals against etcd, Consul or ZooKeeper and they answer each other. (A real
 * service would use protoc-generated stubs; the method is declared by hand here so the example
 * needs no code generator.)
 */
public final class GrpcGreeterApp {

    static final MethodDescriptor<String, String> SAY_HELLO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("helloworld.Greeter/SayHello")
            .setRequestMarshaller(Utf8.INSTANCE)
            .setResponseMarshaller(Utf8.INSTANCE)
            .build();

    private GrpcGreeterApp() {
    }

    public static void main(String[] args) throws Exception {
        String me = "greeter-" + UUID.randomUUID().toString().substring(0, 8);
        Registry registry = Registries.fromEnvironment();

        // Serve: port 0 picks a free port; the registration reads the bound one.
        ServerServiceDefinition greeter = ServerServiceDefinition.builder("helloworld.Greeter")
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((name, reply) -> {
                    reply.onNext("hello " + name + ", from " + me);
                    reply.onCompleted();
                }))
                .build();
        Server server = NettyServerBuilder.forPort(0).addService(greeter).build().start();
        // One call registers it: bound port, this machine's address, methods as endpoints.
        ServerRegistration registration = ServerRegistration.register(registry, server,
                ServerRegistration.options("greeter-grpc").version("1.0.0").nodeId(me).build());
        System.out.println(me + " serving " + registration.service().endpoints().get(0).name() + " on "
                + registration.service().nodes().get(0).address() + "; Ctrl-C to stop");

        // Call: the resolver follows the registry by push; round-robin over every 1.0.0 greeter.
        // Handing over the registry shares this process's client (and lets the memory backend work);
        // without it, grpc's provider opens MICRO_REGISTRY's backend itself.
        ManagedChannel channel = NettyChannelBuilder.forTarget("micro:///greeter-grpc?version=1.0.0")
                .setNameResolverArg(MicroNameResolverProvider.REGISTRY, registry)
                .usePlaintext()
                .build();
        ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor();
        calls.scheduleWithFixedDelay(() -> {
            try {
                System.out.println(ClientCalls.blockingUnaryCall(channel, SAY_HELLO,
                        CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), me));
            } catch (StatusRuntimeException e) {
                System.out.println("call failed: " + e.getStatus());
            } catch (RuntimeException e) {
                // A repeating task that throws is never run again: report and keep calling.
                System.out.println("call failed: " + e);
            }
        }, 1, 2, TimeUnit.SECONDS);

        // Leave the registry first, then drain: callers stop picking this node while calls finish.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            calls.shutdownNow();
            registration.close();
            server.shutdown();
            channel.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            registry.close();
            System.out.println(me + " deregistered");
        }, "grpc-greeter-shutdown"));
        server.awaitTermination();
    }

    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
