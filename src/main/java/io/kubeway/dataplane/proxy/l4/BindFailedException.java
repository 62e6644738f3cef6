package io.kubeway.dataplane.proxy.l4;

import io.kubeway.state.ListenKey;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A listener socket could not be bound. The message reads {@code bind 127.96.0.1:80/TCP: Address already
 * in use}: the key, then the operating system's reason without Netty's syscall prefix.
 */
public final class BindFailedException extends RuntimeException {
    private static final Pattern NATIVE = Pattern.compile("(?:\\w+ )?\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.*)");
    private final ListenKey key;

    public BindFailedException(ListenKey key, Throwable cause) {
        super("bind " + key + ": " + reason(cause), cause);
        this.key = key;
    }

    public ListenKey key() {
        return key;
    }

    /**
     * The OS reason of a bind failure: the JDK says {@code Address already in use}, Netty's native
     * transports {@code bind(..) failed with error(-98): Address already in use} (io_uring may prefix its
     * name); all become the former.
     */
    static String reason(Throwable cause) {
        if (cause == null) return "unknown error";
        String m = cause.getMessage();
        if (m == null || m.isBlank()) return cause.getClass().getSimpleName();
        Matcher nativeMessage = NATIVE.matcher(m);
        return nativeMessage.matches() ? nativeMessage.group(1) : m;
    }
}
