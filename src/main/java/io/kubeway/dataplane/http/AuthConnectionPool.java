package io.kubeway.dataplane.http;

import io.kubeway.state.http.ExternalAuth;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle connections to auth services for {@code auth-keepalive}: per event loop (each loop's own map, touched only
 * from that loop, like nginx's per-worker upstream keepalive) and per auth URL, at most
 * {@link ExternalAuth.Keepalive#connections()} each; an idle one closes after {@link ExternalAuth.Keepalive#idle()}
 * or when the auth service closes it.
 */
final class AuthConnectionPool {
    private static final FastThreadLocal<Map<String, ArrayDeque<Channel>>> IDLE = new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    private static final AttributeKey<ScheduledFuture<?>> IDLE_TIMER = AttributeKey.valueOf("kubeway.authIdleTimer");
    private static final AttributeKey<String> POOL = AttributeKey.valueOf("kubeway.authPool");

    private AuthConnectionPool() {
    }

    /** An open idle connection to {@code url}, taken out of the pool, or null. Call on the channel's loop. */
    static @Nullable Channel take(String url) {
        ArrayDeque<Channel> idle = IDLE.get().get(url);
        while (idle != null && !idle.isEmpty()) {
            Channel ch = idle.pollLast();
            ScheduledFuture<?> timer = ch.attr(IDLE_TIMER).getAndSet(null);
            if (timer != null) timer.cancel(false);
            if (ch.isActive()) return ch;
        }
        return null;
    }

    /** Keeps {@code ch} for reuse, or closes it when the pool of {@code url} is full. Call on the channel's loop. */
    static void offer(String url, Channel ch, ExternalAuth.Keepalive keepalive) {
        ArrayDeque<Channel> idle = IDLE.get().computeIfAbsent(url, k -> new ArrayDeque<>());
        if (idle.size() >= keepalive.connections() || !ch.isActive()) {
            ch.close();
            return;
        }
        ch.attr(POOL).set(url);
        idle.addLast(ch);
        ch.attr(IDLE_TIMER).set(ch.eventLoop().schedule(() -> {
            idle.remove(ch);
            ch.close();
        }, keepalive.idle().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Forgets a closed connection (the auth service closed it while idle). */
    static void closed(Channel ch) {
        String url = ch.attr(POOL).get();
        if (url == null) return;
        ArrayDeque<Channel> idle = IDLE.get().get(url);
        if (idle != null) idle.remove(ch);
        ScheduledFuture<?> timer = ch.attr(IDLE_TIMER).getAndSet(null);
        if (timer != null) timer.cancel(false);
    }
}
