package io.microregistry.selector;

import io.microregistry.Node;

/**
 * One call's claim on a node, from {@link Selector#acquire(String)}: the call counts as in
 * flight on the node until this handle is completed, and its outcome feeds the node's ejection.
 *
 * <p>Complete it exactly once with {@link #success()} or {@link #failure()}; {@link #close()}
 * completes it without an outcome (the call ended, nothing learnt: e.g. it was cancelled, or
 * failed for a reason that is not the node's fault), and does nothing if it is already
 * completed, so try-with-resources is always safe. Calling {@code success} or {@code failure}
 * on a completed handle throws {@link IllegalStateException}: a second verdict would count
 * twice.
 *
 * <p>Thread-safety: may be completed from any thread (e.g. an async callback); completion is
 * atomic, so racing completions count once and the loser throws.
 */
public interface Selection extends AutoCloseable {

    /** The service asked for. */
    String service();

    /** The node picked. */
    Node node();

    /** The call on {@link #node()} succeeded: clears the node's failure streak. */
    void success();

    /**
     * The call on {@link #node()} failed because of the node (connection refused, timeout, 5xx):
     * counts towards ejecting it.
     */
    void failure();

    /** Whether {@link #success()}, {@link #failure()} or {@link #close()} has been called. */
    boolean isCompleted();

    /** Completes without an outcome if not completed yet; otherwise does nothing. Never throws. */
    @Override
    void close();
}
