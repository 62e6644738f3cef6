package io.kubeway.allocate;

/**
 * The NodePort range ({@code --service-node-port-range}, default 30000-32767) with the API server's static
 * band at the bottom: {@code min(max(16, size/32), 128)} ports (30000-30085 for the default range), which
 * dynamic allocation only uses once the upper band is full.
 */
record PortRange(int base, int size) {
    PortRange {
        if (base < 1 || size < 1 || base + size - 1 > 65535) {
            throw new IllegalArgumentException("port range out of bounds: base " + base + ", size " + size);
        }
    }

    /** Parses {@code min-max} or a single port; throws {@link IllegalArgumentException} otherwise. */
    static PortRange parse(String text) {
        String[] parts = text.strip().split("-", -1);
        try {
            if (parts.length == 1 || parts.length == 2) {
                int min = Integer.parseInt(parts[0].strip());
                int max = parts.length == 1 ? min : Integer.parseInt(parts[1].strip());
                if (min >= 1 && max <= 65535 && min <= max) {
                    return new PortRange(min, max - min + 1);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("nodePortRange: invalid port range \"" + text
                + "\" (expected min-max within 1-65535, e.g. \"30000-32767\")");
    }

    int last() {
        return base + size - 1;
    }

    boolean contains(int port) {
        return port >= base && port <= last();
    }

    /** How many ports at the bottom of the range form the static band. */
    int staticBand() {
        if (size <= 16) return 0;
        return Math.min(Math.max(16, size / 32), 128);
    }

    /** {@code 30000-32767}, as in "The range of valid ports is ...". */
    @Override
    public String toString() {
        return base + "-" + last();
    }
}
