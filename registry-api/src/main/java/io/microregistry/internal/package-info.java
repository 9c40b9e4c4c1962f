/**
 * Not API: what {@code registry-api} shares with {@code registry-core} and no one else. Public
 * only because {@code registry-core} lives in other packages; may change in any release without
 * notice. Applications and plugins must not use it.
 */
package io.microregistry.internal;
