package io.kubeway.core;

/** A Service port protocol. SCTP is accepted by validation but not proxied. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** Parses a Kubernetes protocol name; null or empty means the default, TCP. */
    public static Protocol parse(String s) {
        return s == null || s.isEmpty() ? TCP : valueOf(s);
    }
}
