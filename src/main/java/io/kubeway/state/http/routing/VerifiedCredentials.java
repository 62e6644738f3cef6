package io.kubeway.state.http.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Recently verified basic-auth credentials, so that a client sending the right password on every request costs
 * one bcrypt per {@link #TTL}, not one per request. The key is a SHA-256 of the user, the stored hash and the
 * password sent: a wrong password (or a changed Secret) never finds a cached success, and the cache holds no
 * password. Bounded in size ({@link #MAX_ENTRIES}; when full, expired entries go, and if none has expired the
 * cache starts over) and in time. Only successes are cached: a wrong password costs a full check each time, as in
 * nginx (htpasswd's default bcrypt cost, 5, is about a millisecond).
 */
final class VerifiedCredentials {
    /** How long a verified password is trusted without checking the hash again. */
    static final Duration TTL = Duration.ofSeconds(30);
    /** The most credentials remembered at once. */
    static final int MAX_ENTRIES = 10_000;
    /** Shared by every route table: one bound for the whole process. */
    static final VerifiedCredentials SHARED = new VerifiedCredentials(PasswordHashes::matches, System::nanoTime,
            MAX_ENTRIES);

    private final ConcurrentHashMap<String, Long> expiries = new ConcurrentHashMap<>();
    private final BiPredicate<String, byte[]> matcher;
    private final LongSupplier nanoClock;
    private final int maxEntries;

    /** @param matcher the real check ({@link PasswordHashes#matches}: hash, password) */
    VerifiedCredentials(BiPredicate<String, byte[]> matcher, LongSupplier nanoClock, int maxEntries) {
        this.matcher = matcher;
        this.nanoClock = nanoClock;
        this.maxEntries = maxEntries;
    }

    /** Whether the password matches the hash: from the cache when verified recently, else checked and cached. */
    boolean verify(String user, String hash, byte[] password) {
        return cached(user, hash, password) || check(user, hash, password);
    }

    /** Whether the password was verified within {@link #TTL} (a lookup: cheap enough for an event loop). */
    boolean cached(String user, String hash, byte[] password) {
        Long expiry = expiries.get(key(user, hash, password));
        return expiry != null && nanoClock.getAsLong() - expiry < 0;
    }

    /** Checks the password against the hash (the full cost) and remembers a success. */
    boolean check(String user, String hash, byte[] password) {
        String key = key(user, hash, password);
        long now = nanoClock.getAsLong();
        if (!matcher.test(hash, password)) return false;
        if (expiries.size() >= maxEntries) {
            expiries.values().removeIf(e -> now - e >= 0);
            if (expiries.size() >= maxEntries) expiries.clear();
        }
        expiries.put(key, now + TTL.toNanos());
        return true;
    }

    int size() {
        return expiries.size();
    }

    private static String key(String user, String hash, byte[] password) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(user.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(hash.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(password);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
