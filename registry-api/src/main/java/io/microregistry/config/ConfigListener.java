package io.microregistry.config;

import io.microregistry.WatchStatus;

import java.util.List;

/**
 * Receives a config subscription: first the current entries, then every change in the order
 * the backend applied it, and any change of the subscription's health.
 *
 * <p><b>Threading:</b> called on one thread of the subscription's own, one call at a time, in
 * order; a listener that blocks holds back only its own subscription (and never the
 * subscription's reading of the backend). An exception thrown by
 * the listener is logged once per subscription and does not end it.
 *
 * <p><b>Slow listeners:</b> changes wait for the listener in a bounded mailbox. While fewer
 * than 1,024 calls wait, every change is delivered. A listener that falls further behind (or
 * blocks) gets the backlog coalesced per key: each key keeps only its latest pending change
 * (value and version, or delete) at the place of its first pending change, so per key the
 * order holds and no older version ever follows a newer one, but across keys the revision
 * order and the intermediate values of a key may be skipped. The final state is always
 * reached; memory stays bounded by about twice the number of keys followed.
 *
 * <p><b>Outages:</b> after the backend comes back the subscription resumes where it stopped:
 * every change it missed is delivered once (on backends that keep history, each one; on the
 * others, the latest value of each key that changed), and nothing already delivered repeats.
 */
public interface ConfigListener {

    /** The entries under the watched key or prefix when the subscription started. Called once, first. */
    default void onSnapshot(List<ConfigEntry> current) {
    }

    /** One change. */
    void onChange(ConfigChange change);

    /** The health changed (CURRENT → STALE → CURRENT across an outage). Once per change of state. */
    default void onStatus(WatchStatus status) {
    }
}
