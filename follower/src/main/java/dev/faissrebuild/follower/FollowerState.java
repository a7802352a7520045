package dev.faissrebuild.follower;

import dev.faissrebuild.runtime.http.Health;
import dev.faissrebuild.store.PublishedGenerations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a serving host's sync agent reports, per host (the metrics carry no host label: Prometheus adds
 * {@code instance}): which generation it serves, whether that is the deployer's live one, how far behind it
 * is, and the health check that says so.
 */
final class FollowerState {
    private final Clock clock;
    private final Counter switches;
    private final Counter refusals;
    private final Counter failures;
    private final Counter bytes;
    private volatile String liveHere;
    private volatile PublishedGenerations.Live wanted;
    private volatile Instant lastPass;
    private volatile String problem;
    private volatile boolean refused;
    private volatile double lastSwitchDelaySeconds = Double.NaN;
    private final MultiGauge generation;

    FollowerState(MeterRegistry registry, Clock clock, Optional<String> liveHere) {
        this.clock = clock;
        this.liveHere = liveHere.orElse(null);
        generation = MultiGauge.builder("faiss_follower_generation").description("1 for the generation this host serves (label generation)").register(registry);
        showGeneration();
        switches = Counter.builder("faiss_follower_switches").description("Generation switches made on this host").register(registry);
        refusals = Counter.builder("faiss_follower_refused").description("Passes that refused the store's live generation (checksum, missing object)").register(registry);
        failures = Counter.builder("faiss_follower_sync_failures").description("Passes that could not read the store").register(registry);
        bytes = Counter.builder("faiss_follower_downloaded").baseUnit("bytes").description("Bytes of index files downloaded").register(registry);
        Gauge.builder("faiss_follower_behind", () -> behind() ? 1 : 0).description("1 while this host serves another generation than the deployer's live one").register(registry);
        Gauge.builder("faiss_follower_lag_seconds", this::lagSeconds).description("How long this host has been behind the deployer's live generation (0 when caught up)").register(registry);
        Gauge.builder("faiss_follower_last_switch_delay_seconds", () -> lastSwitchDelaySeconds)
                .description("From the deployer's switch to this host's, for the last generation this host took").register(registry);
        Gauge.builder("faiss_follower_last_pass_timestamp_seconds", () -> lastPass == null ? Double.NaN : lastPass.getEpochSecond())
                .description("When this host last compared its generation with the store's").register(registry);
    }

    void record(SyncResult result, Optional<PublishedGenerations.Live> live) {
        lastPass = clock.instant();
        wanted = live.orElse(null);
        refused = false;
        problem = null;
        switch (result) {
            case SyncResult.NothingPublished n -> { }
            case SyncResult.UpToDate u -> liveHere = u.generationId();
            case SyncResult.Switched s -> {
                liveHere = s.to();
                showGeneration();
                switches.increment();
                bytes.increment(s.bytes());
                if (wanted != null && wanted.generationId().equals(s.to())) {
                    lastSwitchDelaySeconds = Duration.between(wanted.since(), lastPass).toMillis() / 1000.0;
                }
            }
            case SyncResult.Refused r -> {
                refused = true;
                problem = r.reason();
                refusals.increment();
            }
        }
    }

    private void showGeneration() {
        if (liveHere != null) generation.register(List.of(MultiGauge.Row.of(Tags.of("generation", liveHere), 1)), true);
    }

    void failed(String reason) {
        lastPass = clock.instant();
        problem = reason;
        failures.increment();
    }

    String liveHere() {
        return liveHere;
    }

    double lastSwitchDelaySeconds() {
        return lastSwitchDelaySeconds;
    }

    private boolean behind() {
        PublishedGenerations.Live w = wanted;
        return w != null && !w.generationId().equals(liveHere);
    }

    private double lagSeconds() {
        PublishedGenerations.Live w = wanted;
        return behind() ? Math.max(0, Duration.between(w.since(), clock.instant()).toMillis() / 1000.0) : 0;
    }

    /** DOWN after a refusal (the store's generation is damaged), WARNING while behind or unable to read the store, else UP. */
    Health.Check check() {
        String serving = "serving " + (liveHere == null ? "no generation" : liveHere);
        if (refused) return Health.Check.down(serving + "; refused the deployer's live generation: " + problem);
        if (problem != null) return Health.Check.warning(serving + "; the store cannot be read: " + problem);
        PublishedGenerations.Live w = wanted;
        if (w == null) return Health.Check.warning(serving + "; nothing published in the store yet");
        if (behind()) return Health.Check.warning(serving + "; behind the deployer's " + w.generationId() + " for " + Math.round(lagSeconds()) + " s");
        return Health.Check.up(serving + ", the deployer's live generation");
    }
}
