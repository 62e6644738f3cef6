/** Netty transport selection (io_uring, epoll, nio) for the proxy and the echo backend. */
package io.kubeway.dataplane.proxy.transport;
