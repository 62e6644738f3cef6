package io.kubeway.dataplane.http;

import org.jspecify.annotations.Nullable;

/**
 * Whether a user agent accepts {@code SameSite=None}: some older ones reject a cookie bearing it (or read it as
 * {@code Strict}), so {@code session-cookie-conditional-samesite-none} leaves the attribute out for them. The list
 * is ingress-nginx's, exactly (rootfs/etc/nginx/lua/util/same_site.lua, after Chromium's "SameSite=None:
 * Known Incompatible Clients"), including its coarseness: {@code Chrome/5} also matches Chrome 50 to 59.
 */
final class SameSiteNone {
    private SameSiteNone() {
    }

    /** True unless the user agent is one of those known to reject {@code SameSite=None}; true without one. */
    static boolean compatible(@Nullable String userAgent) {
        if (userAgent == null) return true;
        if (userAgent.contains("Chrome/4") || userAgent.contains("Chrome/5") || userAgent.contains("Chrome/6")) {
            return false;
        }
        if (userAgent.contains("CPU iPhone OS 12") || userAgent.contains("iPad; CPU OS 12")) return false;
        return !(userAgent.contains("Macintosh") && userAgent.contains("Intel Mac OS X 10_14")
                && userAgent.contains("Safari") && !userAgent.contains("Chrome"));
    }
}
