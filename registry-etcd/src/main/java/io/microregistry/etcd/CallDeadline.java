package io.microregistry.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every unary gRPC call jetcd makes (get, put, delete, lease grant and revoke, and the
 * authentication call behind them) a deadline. jetcd sets none, and its stubs wait for the
 * channel to become ready, so without this a call made during an outage hangs for the whole
 * outage. Streams (watch, lease keep-alive) are left alone: they are meant to stay open.
 *
 * <p>Immutable and thread-safe.
 */
final class CallDeadline implements ClientInterceptor {

    private final long nanos;

    CallDeadline(Duration timeout) {
        this.nanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() == MethodDescriptor.MethodType.UNARY) {
            Deadline ours = Deadline.after(nanos, TimeUnit.NANOSECONDS);
            Deadline theirs = options.getDeadline();
            options = options.withDeadline(theirs == null ? ours : theirs.minimum(ours));
        }
        return next.newCall(method, options);
    }
}
