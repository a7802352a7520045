package dev.faissrebuild.runtime.child;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The project's log level in this process, passed to build children so they log as their worker does. */
final class LogLevel {
    private static final Logger PROJECT = LoggerFactory.getLogger("dev.faissrebuild");

    private LogLevel() {}

    static String effective() {
        if (PROJECT.isTraceEnabled()) return "TRACE";
        if (PROJECT.isDebugEnabled()) return "DEBUG";
        if (PROJECT.isInfoEnabled()) return "INFO";
        if (PROJECT.isWarnEnabled()) return "WARN";
        return "ERROR";
    }
}
