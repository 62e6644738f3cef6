/**
 * The JIT warm-up that runs before Kubeway reports ready (issue 10): synthetic traffic through a private HTTP
 * data plane and L4 listener built from the real classes, on the real event loops, until the compiler has
 * settled. See {@link io.kubeway.warmup.WarmUp}.
 */
package io.kubeway.warmup;
