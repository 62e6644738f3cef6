package io.kubeway.cli;

/** A {@code kubeway get} failure whose message is ready to show the user as-is. */
final class GetException extends Exception {
    GetException(String message) {
        super(message);
    }

    GetException(String message, Throwable cause) {
        super(message, cause);
    }
}
