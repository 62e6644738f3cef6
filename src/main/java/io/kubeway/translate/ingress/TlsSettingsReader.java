package io.kubeway.translate.ingress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the controller ConfigMap's {@code ssl-protocols} (nginx's {@code ssl_protocols}: space-separated) and
 * {@code ssl-ciphers} (an OpenSSL cipher list: colon-separated) into the JDK names the TLS engines take.
 *
 * <p>Protocols: {@code TLSv1.2} and {@code TLSv1.3} are offered; {@code SSLv2}, {@code SSLv3}, {@code TLSv1} and
 * {@code TLSv1.1} are known and not offered (a note: they are broken); anything else makes the value invalid, and
 * so does a list left without a protocol Kubeway offers.
 *
 * <p>Ciphers: the OpenSSL names of the TLS 1.2 suites the JDK and BoringSSL implement map to their IANA (JDK) names
 * ({@code ECDHE-RSA-AES128-GCM-SHA256} → {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256}); IANA names are taken as
 * they are. Exclusions ({@code !aNULL}, {@code -MD5}) are dropped with a note, as only the named suites are ever
 * offered. Any other entry (an unknown name, or a class keyword such as {@code HIGH}, which Kubeway does not
 * expand) makes the value invalid, so the last good list stays. TLS 1.3 suites are not chosen here: OpenSSL's
 * {@code ssl_ciphers} does not touch them either.
 */
final class TlsSettingsReader {
    /** The most entries an ssl-ciphers list may hold. */
    static final int MAX_CIPHERS = 100;
    private static final Set<String> OFFERED = Set.of("TLSv1.2", "TLSv1.3");
    private static final Set<String> BROKEN = Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1");

    /** OpenSSL name → IANA name, for the TLS 1.2 suites Java or BoringSSL implement. */
    private static final Map<String, String> OPENSSL = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"));
    private static final Set<String> IANA = Set.copyOf(OPENSSL.values());

    private TlsSettingsReader() {
    }

    /** The protocols offered, newest first; {@code note} gets what was left out and why. */
    static List<String> protocols(String value, Consumer<String> note) {
        Set<String> out = new LinkedHashSet<>();
        List<String> dropped = new ArrayList<>();
        for (String p : value.strip().split("\\s+")) {
            if (p.isEmpty()) continue;
            if (OFFERED.contains(p)) out.add(p);
            else if (BROKEN.contains(p)) dropped.add(p);
            else throw new IllegalArgumentException("\"" + p + "\" is not a TLS protocol (TLSv1.2, TLSv1.3)");
        }
        if (!dropped.isEmpty()) {
            note.accept(String.join(" ", dropped) + " not offered: Kubeway offers only TLSv1.2 and TLSv1.3");
        }
        if (out.isEmpty()) throw new IllegalArgumentException("names no protocol Kubeway offers (TLSv1.2, TLSv1.3)");
        return out.contains("TLSv1.3") && out.contains("TLSv1.2") ? List.of("TLSv1.3", "TLSv1.2") : List.copyOf(out);
    }

    /** The TLS 1.2 suites offered, JDK names, in the list's order; {@code note} gets the exclusions dropped. */
    static List<String> ciphers(String value, Consumer<String> note) {
        Set<String> out = new LinkedHashSet<>();
        List<String> dropped = new ArrayList<>();
        String[] entries = value.strip().split("[:,\\s]+");
        if (entries.length > MAX_CIPHERS) {
            throw new IllegalArgumentException(entries.length + " entries, more than the limit of " + MAX_CIPHERS);
        }
        for (String c : entries) {
            if (c.isEmpty()) continue;
            if (c.startsWith("!") || c.startsWith("-")) {
                dropped.add(c);
                continue;
            }
            String iana = OPENSSL.get(c.toUpperCase(Locale.ROOT));
            if (iana == null && IANA.contains(c.toUpperCase(Locale.ROOT))) iana = c.toUpperCase(Locale.ROOT);
            if (iana == null) {
                throw new IllegalArgumentException("\"" + c + "\" is not a TLS 1.2 cipher suite Kubeway knows (OpenSSL "
                        + "names such as ECDHE-RSA-AES128-GCM-SHA256; keywords such as HIGH are not expanded)");
            }
            out.add(iana);
        }
        if (!dropped.isEmpty()) {
            note.accept(String.join(":", dropped) + " ignored: only the suites named are offered");
        }
        if (out.isEmpty()) throw new IllegalArgumentException("names no cipher suite");
        return List.copyOf(out);
    }
}
