package io.kubeway.warmup;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM's total JIT compilation time (all compiler threads, {@link CompilationMXBean}) and the process's CPU
 * time: what tells the warm-up the compiler has settled, and what it cost.
 */
final class JitClock {
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    /** Total compilation time so far in ms, or -1 when this JVM does not measure it (then only the caps stop). */
    long compileMillis() {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported()
                ? compiler.getTotalCompilationTime() : -1;
    }

    /** The process's CPU time so far in seconds, or NaN when unknown. */
    double cpuSeconds() {
        return os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0
                ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }
}
