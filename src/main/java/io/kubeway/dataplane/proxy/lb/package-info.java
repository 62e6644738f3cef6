/**
 * Endpoint selection for the proxy: round robin with connect-failure fallback, and ClientIP session
 * affinity with kube-proxy's timing (the timer restarts on every new connection or flow).
 */
package io.kubeway.dataplane.proxy.lb;
