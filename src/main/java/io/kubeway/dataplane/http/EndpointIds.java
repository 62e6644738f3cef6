package io.kubeway.dataplane.http;

import io.kubeway.state.Endpoint;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Stable 64-bit identities: of endpoints (for affinity cookies: an opaque value that names an endpoint without
 * revealing its address, the same on every Kubeway instance and across restarts) and of hash keys (for
 * rendezvous hashing).
 */
final class EndpointIds {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private EndpointIds() {
    }

    static long hash(Endpoint e) {
        long h = FNV_OFFSET;
        for (byte b : e.ip().getAddress()) h = (h ^ (b & 0xff)) * FNV_PRIME;
        h = (h ^ (e.port() >>> 8)) * FNV_PRIME;
        h = (h ^ (e.port() & 0xff)) * FNV_PRIME;
        return mix(h);
    }

    static long hash(String key) {
        long h = FNV_OFFSET;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * FNV_PRIME;
        return mix(h);
    }

    /** The cookie value naming {@code e}: 16 hex digits. */
    static String cookieValue(Endpoint e) {
        return HexFormat.of().toHexDigits(hash(e));
    }

    /** MurmurHash3's 64-bit finaliser: spreads every input bit over the whole result. */
    static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
