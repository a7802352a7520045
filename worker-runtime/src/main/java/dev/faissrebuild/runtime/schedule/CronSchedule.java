package dev.faissrebuild.runtime.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** A Unix cron rule ({@code "0 2 * * 0"}: Sundays at 02:00) in a time zone. */
public final class CronSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime execution;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime execution) {
        this.expression = expression;
        this.zone = zone;
        this.execution = execution;
    }

    /** @throws IllegalArgumentException naming the expression or zone and what is expected */
    public static CronSchedule parse(String expression, String timeZone) {
        ZoneId zone;
        try {
            zone = ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + timeZone + "\" is not a time zone; expected an IANA zone such as UTC or Australia/Adelaide");
        }
        try {
            return new CronSchedule(expression, zone, ExecutionTime.forCron(PARSER.parse(expression)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + expression + "\" is not a Unix cron expression (minute hour day-of-month month day-of-week, e.g. \"0 2 * * 0\"): " + e.getMessage());
        }
    }

    /** The first firing strictly after {@code after}. */
    public Optional<ZonedDateTime> next(ZonedDateTime after) {
        return execution.nextExecution(after.withZoneSameInstant(zone));
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
