package io.kubeway.translate.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.kubeway.core.FieldError;

/**
 * IP and CIDR parsing as the API server does it ({@code k8s.io/utils/net} {@code ParseIPSloppy} and
 * {@code ParseCIDRSloppy}, forks of Go 1.16's {@code net} parser that accept IPv4 octets with leading
 * zeros) and the "special address" checks of {@code ValidateNonSpecialIP}.
 *
 * <p>This never resolves names: {@code InetAddress.getByName} would do a DNS lookup for any string that
 * is not a literal, so the parser is written out. Addresses are returned in Go's 16-byte form, IPv4 as
 * {@code ::ffff:a.b.c.d}.
 */
final class IpAddresses {
    static final String INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    static final String INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

    private static final int IPV4_LEN = 4;
    private static final int IPV6_LEN = 16;
    private static final int BIG = 0xFFFFFF;
    private static final byte[] IPV6_LOOPBACK = new byte[IPV6_LEN];

    static {
        IPV6_LOOPBACK[IPV6_LEN - 1] = 1;
    }

    private IpAddresses() {
    }

    /** The address in 16-byte form, or null if it is not an IP literal. */
    static byte[] parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                return parseIPv4(s);
            }
            if (c == ':') {
                return parseIPv6(s);
            }
        }
        return null;
    }

    static boolean isValidCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String addr = s.substring(0, slash);
        String mask = s.substring(slash + 1);
        int bits = 32;
        byte[] ip = parseIPv4(addr);
        if (ip == null) {
            bits = 128;
            ip = parseIPv6(addr);
        }
        long[] n = decimal(mask);
        return ip != null && n != null && n[1] == mask.length() && n[0] <= bits;
    }

    /** Go's {@code To4() != nil}: an IPv4 address, including the IPv4-mapped IPv6 form. */
    static boolean isIPv4(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return (ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff;
    }

    /** {@code netutils.IsIPv6String}. */
    static boolean isIPv6String(String s) {
        byte[] ip = parse(s);
        return ip != null && !isIPv4(ip);
    }

    /** {@code validation.IsValidIP}. */
    static List<FieldError> validateIp(String field, String value) {
        return parse(value) == null ? List.of(FieldError.invalid(field, value, INVALID_IP)) : List.of();
    }

    /** {@code validation.IsValidCIDR}. */
    static List<FieldError> validateCidr(String field, String value) {
        return isValidCidr(value) ? List.of() : List.of(FieldError.invalid(field, value, INVALID_CIDR));
    }

    /**
     * {@code ValidateNonSpecialIP} (called {@code ValidateEndpointIP} in newer releases), applied to
     * externalIPs: unspecified, loopback and link-local addresses are rejected.
     *
     * <p>NOTE for Kubeway: Kubernetes rejects loopback externalIPs (127.0.0.0/8, ::1) here, although
     * Kubeway itself often runs on loopback. This is Kubernetes' rule and is kept as is, so a manifest
     * that Kubeway accepts is one a cluster accepts too. This method is the one place to change it.
     */
    static List<FieldError> validateNonSpecialIp(String field, String value) {
        byte[] ip = parse(value);
        if (ip == null) {
            return List.of(FieldError.invalid(field, value, "must be a valid IP address"));
        }
        List<FieldError> errs = new ArrayList<>();
        boolean v4 = isIPv4(ip);
        if (isUnspecified(ip, v4)) {
            errs.add(FieldError.invalid(field, value, "may not be unspecified (" + value + ")"));
        }
        if (v4 ? u(ip[12]) == 127 : Arrays.equals(ip, IPV6_LOOPBACK)) {
            errs.add(FieldError.invalid(field, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
        }
        if (v4 ? u(ip[12]) == 169 && u(ip[13]) == 254 : u(ip[0]) == 0xfe && (u(ip[1]) & 0xc0) == 0x80) {
            errs.add(FieldError.invalid(field, value,
                    "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
        }
        if (v4 ? u(ip[12]) == 224 && ip[13] == 0 && ip[14] == 0 : u(ip[0]) == 0xff && (u(ip[1]) & 0x0f) == 0x02) {
            errs.add(FieldError.invalid(field, value,
                    "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
        }
        return errs;
    }

    private static boolean isUnspecified(byte[] ip, boolean v4) {
        int from = v4 ? 12 : 0;
        for (int i = from; i < IPV6_LEN; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int u(byte b) {
        return b & 0xff;
    }

    private static byte[] parseIPv4(String s) {
        byte[] out = new byte[IPV6_LEN];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        int pos = 0;
        for (int i = 0; i < IPV4_LEN; i++) {
            if (pos >= s.length()) {
                return null;
            }
            if (i > 0) {
                if (s.charAt(pos) != '.') {
                    return null;
                }
                pos++;
            }
            long[] n = decimal(s.substring(pos));
            if (n == null || n[0] > 0xFF) {
                return null;
            }
            pos += (int) n[1];
            out[12 + i] = (byte) n[0];
        }
        return pos == s.length() ? out : null;
    }

    /** Go 1.16's parseIPv6: hex groups, one "::", and an optional trailing dotted IPv4 part. */
    private static byte[] parseIPv6(String s) {
        byte[] ip = new byte[IPV6_LEN];
        int ellipsis = -1;
        if (s.startsWith("::")) {
            ellipsis = 0;
            s = s.substring(2);
            if (s.isEmpty()) {
                return ip;
            }
        }
        int i = 0;
        while (i < IPV6_LEN) {
            long[] n = hex(s);
            if (n == null || n[0] > 0xFFFF) {
                return null;
            }
            int c = (int) n[1];
            if (c < s.length() && s.charAt(c) == '.') {
                if ((ellipsis < 0 && i != IPV6_LEN - IPV4_LEN) || i + IPV4_LEN > IPV6_LEN) {
                    return null;
                }
                byte[] ip4 = parseIPv4(s);
                if (ip4 == null) {
                    return null;
                }
                System.arraycopy(ip4, 12, ip, i, IPV4_LEN);
                s = "";
                i += IPV4_LEN;
                break;
            }
            ip[i] = (byte) (n[0] >> 8);
            ip[i + 1] = (byte) n[0];
            i += 2;
            s = s.substring(c);
            if (s.isEmpty()) {
                break;
            }
            if (s.charAt(0) != ':' || s.length() == 1) {
                return null;
            }
            s = s.substring(1);
            if (s.charAt(0) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                s = s.substring(1);
                if (s.isEmpty()) {
                    break;
                }
            }
        }
        if (!s.isEmpty()) {
            return null;
        }
        if (i < IPV6_LEN) {
            if (ellipsis < 0) {
                return null;
            }
            int n = IPV6_LEN - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
        } else if (ellipsis >= 0) {
            return null; // "::" must stand for at least one zero group
        }
        return ip;
    }

    /** Go's dtoi: {value, digits consumed}, or null if there is no digit or the value is huge. */
    private static long[] decimal(String s) {
        long n = 0;
        int i = 0;
        for (; i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
            n = n * 10 + (s.charAt(i) - '0');
            if (n >= BIG) {
                return null;
            }
        }
        return i == 0 ? null : new long[] {n, i};
    }

    /** Go's xtoi, the hexadecimal twin of {@link #decimal}. */
    private static long[] hex(String s) {
        long n = 0;
        int i = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                break;
            }
            n = n * 16 + d;
            if (n >= BIG) {
                return null;
            }
        }
        return i == 0 ? null : new long[] {n, i};
    }
}
