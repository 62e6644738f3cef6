/**
 * TCP and UDP listeners of the proxy data plane and their Netty handlers. Public types here are internal
 * to the data plane (used by {@code io.kubeway.dataplane.proxy}); everything per connection is
 * package-private and runs on one event loop per connection or listener, without locks.
 */
package io.kubeway.dataplane.proxy.l4;
