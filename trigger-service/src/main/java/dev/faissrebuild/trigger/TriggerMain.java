package dev.faissrebuild.trigger;

import dev.faissrebuild.runtime.WorkerMain;

/** Main of a trigger process against an external Kafka (one runs; a second is fenced). */
public final class TriggerMain {
    private TriggerMain() {}

    public static void main(String[] args) throws Exception {
        WorkerMain.run("trigger", args, TriggerService::start);
    }
}
