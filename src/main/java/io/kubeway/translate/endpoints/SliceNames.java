package io.kubeway.translate.endpoints;

import io.kubeway.core.KubeNames;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;

/**
 * Deterministic stand-in for the API server's {@code metadata.generateName}. The controllers ask for
 * {@code <owner>-} plus five random characters; Kubeway derives the five characters from a hash of what the
 * slice holds (address type, port mapping, chunk), so recomputing the same state gives the same names and a
 * data plane diff sees no churn. Same alphabet and length limits as {@code names.SimpleNameGenerator}.
 */
final class SliceNames {
    /** {@code utilrand}'s alphabet: no vowels (no words) and no confusable characters. */
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int SUFFIX_LENGTH = 5;
    private static final int MAX_PREFIX_LENGTH = 63 - SUFFIX_LENGTH;

    private final String prefix;
    private final Set<String> used = new HashSet<>();

    /** Names for slices owned by the object named {@code ownerName}. */
    SliceNames(String ownerName) {
        // getEndpointSlicePrefix: "<name>-" unless that is not a valid DNS subdomain prefix (checked as
        // NameIsDNSSubdomain(prefix=true) does, with the trailing dash masked), then the bare name.
        String p = ownerName + "-";
        if (!KubeNames.dns1123Subdomain(ownerName + "a").isEmpty()) p = ownerName;
        this.prefix = p.length() > MAX_PREFIX_LENGTH ? p.substring(0, MAX_PREFIX_LENGTH) : p;
    }

    /** A name derived from {@code seed}, distinct from every name this instance handed out before. */
    String next(String seed) {
        for (int salt = 0; ; salt++) {
            String name = prefix + suffix(salt == 0 ? seed : seed + "#" + salt);
            if (used.add(name)) return name;
        }
    }

    private static String suffix(String seed) {
        byte[] h = sha256(seed);
        StringBuilder sb = new StringBuilder(SUFFIX_LENGTH);
        for (int i = 0; i < SUFFIX_LENGTH; i++) sb.append(ALPHABET.charAt((h[i] & 0xff) % ALPHABET.length()));
        return sb.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required on every JVM", e);
        }
    }
}
