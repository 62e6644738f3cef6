package io.kubeway.warmup;

import io.kubeway.dataplane.http.HttpEngineConfig;
import io.kubeway.dataplane.proxy.transport.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * The warm-up Kubeway runs at start (issue 10): a {@link WarmUp} on a thread of its own, and what the rest of the
 * program sees of it. Until it ends, {@link #notReady()} holds one reason, which keeps {@code /readyz} at 503 (and
 * says why in its body); its meters ({@code kubeway_warmup_active}, {@code kubeway_warmup_requests_total},
 * {@code kubeway_warmup_duration_seconds}) are in the real registry, its traffic's are not. A failure is logged
 * and ends the warm-up: it never stops Kubeway from starting or becoming ready.
 *
 * <p>The real listeners are not held back: they bind as soon as the first sync programs them and serve while the
 * warm-up runs (a node's Service traffic cannot wait for it after a rollout, and a slow first request beats a
 * refused one); readiness is what waits, so load balancers and rolling updates that follow {@code /readyz} send
 * their traffic to compiled code.
 */
public final class StartupWarmUp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

    private final WarmUpSettings settings;
    private final WarmUp warmUp;
    private final Thread thread;
    private volatile boolean active;
    private volatile double seconds;
    private volatile long startNanos;

    /**
     * @param withHttp   whether this instance serves Ingress (the ingress role): otherwise only the L4 path is warmed
     * @param transport  the real data plane's transport, and {@code group} its event loops
     * @param httpConfig the real HTTP data plane's settings
     * @param registry   the real registry: gets the warm-up's own meters only
     */
    public StartupWarmUp(WarmUpSettings settings, boolean withHttp, Transport transport, EventLoopGroup group,
                         HttpEngineConfig httpConfig, MeterRegistry registry, Clock clock) {
        this.settings = settings;
        this.warmUp = new WarmUp(settings, withHttp, transport, group, httpConfig, clock);
        this.thread = Thread.ofPlatform().daemon().name("kubeway-warm-up").unstarted(this::run);
        if (settings.enabled()) {
            Gauge.builder("kubeway.warmup.active", this, w -> w.active ? 1 : 0)
                    .description("1 while the start-up JIT warm-up runs (/readyz answers 503 meanwhile)").register(registry);
            FunctionCounter.builder("kubeway.warmup.requests", warmUp.sent, java.util.concurrent.atomic.AtomicLong::get)
                    .description("synthetic requests the start-up warm-up sent").register(registry);
            Gauge.builder("kubeway.warmup.duration", this, StartupWarmUp::elapsedSeconds).baseUnit("seconds")
                    .description("how long the start-up warm-up ran (so far)").register(registry);
        }
    }

    /** Starts the warm-up, when enabled, and returns at once. */
    public void start() {
        if (!settings.enabled()) return;
        startNanos = System.nanoTime();
        active = true;
        thread.start();
    }

    /** While the warm-up runs, one line saying so; empty otherwise. */
    public List<String> notReady() {
        return active ? List.of("warm-up: compiling the request path with synthetic traffic (" + warmUp.sent.get()
                + " requests sent, " + settings + ")") : List.of();
    }

    /** Whether the warm-up is running. */
    public boolean active() {
        return active;
    }

    private double elapsedSeconds() {
        return active ? (System.nanoTime() - startNanos) / 1e9 : seconds;
    }

    private void run() {
        try {
            WarmUp.Result r = warmUp.run();
            log.info(String.format(Locale.ROOT, "warm-up: %,d requests in %.1f s (%s), %.1f s of CPU; JIT compilation "
                            + "time %.1f s before, %.1f s after", r.requests(), r.seconds(), r.stopped(), r.cpuSeconds(),
                    r.compileBeforeMillis() / 1e3, r.compileAfterMillis() / 1e3));
        } catch (InterruptedException e) {
            log.info("warm-up: interrupted after {} requests", warmUp.sent.get());
        } catch (Exception | LinkageError | AssertionError e) {
            log.warn("warm-up failed after {} requests, serving without it: {}", warmUp.sent.get(), e.toString());
            log.debug("warm-up failure", e);
        } finally {
            seconds = (System.nanoTime() - startNanos) / 1e9;
            active = false;
        }
    }

    /** Stops a running warm-up and waits (bounded) until it has closed what it opened. */
    @Override
    public void close() {
        warmUp.stop();
        if (!thread.isAlive()) return;
        try {
            thread.join(WarmUpClient.TIMEOUT_MILLIS + 3000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
