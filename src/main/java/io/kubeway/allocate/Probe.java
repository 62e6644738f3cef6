package io.kubeway.allocate;

import org.jspecify.annotations.Nullable;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Deterministic replacement for the API server's random scan: the search starts at a hash of a stable
 * key (e.g. {@code namespace/name}) within the upper (dynamic) band and probes linearly with wrap-around,
 * then does the same in the static band. Equal inputs always give equal results, and a service usually
 * gets the same address on every machine, while services still spread over the band.
 */
final class Probe {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Probe() {
    }

    /**
     * The first free index in {@code [staticBand, size)} and then in {@code [0, staticBand)}, each searched
     * from the key's hash position; null when everything is taken. The loop ends after at most
     * (taken indexes + 1) probes per band, since only taken indexes are skipped.
     */
    static @Nullable BigInteger firstFree(BigInteger size, BigInteger staticBand, String key,
                                          Predicate<BigInteger> free) {
        BigInteger seed = new BigInteger(Long.toUnsignedString(fnv1a64(key)));
        BigInteger found = scan(staticBand, size, seed, free);
        return found != null ? found : scan(BigInteger.ZERO, staticBand, seed, free);
    }

    /** The same search over a small range (node ports) in int arithmetic; -1 when everything is taken. */
    static int firstFree(int size, int staticBand, String key, IntPredicate free) {
        long seed = fnv1a64(key);
        int found = scan(staticBand, size, seed, free);
        return found >= 0 ? found : scan(0, staticBand, seed, free);
    }

    private static int scan(int lo, int hi, long seed, IntPredicate free) {
        int n = hi - lo;
        if (n <= 0) return -1;
        int start = (int) Long.remainderUnsigned(seed, n);
        for (int i = 0; i < n; i++) {
            int index = lo + (start + i) % n;
            if (free.test(index)) return index;
        }
        return -1;
    }

    private static @Nullable BigInteger scan(BigInteger lo, BigInteger hi, BigInteger seed,
                                             Predicate<BigInteger> free) {
        BigInteger n = hi.subtract(lo);
        if (n.signum() <= 0) return null;
        BigInteger start = seed.mod(n);
        for (BigInteger i = BigInteger.ZERO; i.compareTo(n) < 0; i = i.add(BigInteger.ONE)) {
            BigInteger index = lo.add(start.add(i).mod(n));
            if (free.test(index)) return index;
        }
        return null;
    }

    /** 64-bit FNV-1a: tiny, stable across JVMs and releases (unlike String.hashCode's spread). */
    static long fnv1a64(String key) {
        long h = FNV_OFFSET;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }
}
