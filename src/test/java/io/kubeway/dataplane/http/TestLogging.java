package io.kubeway.dataplane.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Without a logback-test.xml logback logs everything at DEBUG; Netty's debug output slows the tests down. */
final class TestLogging {
    private TestLogging() {
    }

    static void quiet() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        String debug = System.getProperty("kubeway.test.debug");
        if (debug != null) ((Logger) LoggerFactory.getLogger(debug)).setLevel(Level.DEBUG);
    }
}
