package dev.faissrebuild.deployer.maintenance;

import dev.faissrebuild.deployer.GenerationStore;
import dev.faissrebuild.runtime.files.GenerationManifest;
import dev.faissrebuild.runtime.files.IndicesLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code indices/} uses on disk, by area. Hard-linked files are counted once: generations share
 * every file a deploy did not rebuild, so the generations together take far less than the sum of their
 * sizes. Read-only, so it needs no lock (a concurrent change may make the figures a moment old).
 *
 * @param total everything under {@code indices/} (leftovers included); its count is generations + staging dirs + backups
 * @param generationsDetail each generation, oldest first, with what deleting it alone would free
 */
public record DiskUsage(Area live, Area generations, Area staging, Area backups, Area total, List<Generation> generationsDetail) {

    /** @param count generations, staging directories or backup archives */
    public record Area(String name, int count, long files, long bytes) {}

    /** @param bytesOwn bytes no other path shares (what deleting only this generation frees) */
    public record Generation(String generationId, Instant createdAt, boolean live, boolean previous, long files, long bytes,
                             long bytesOwn) {}

    public static DiskUsage measure(IndicesLayout layout) throws IOException {
        Optional<String> liveId = layout.liveGenerationId();
        Optional<String> previousId = layout.liveManifest().map(GenerationManifest::previousGenerationId);
        List<GenerationManifest> gens = new GenerationStore(layout).list();
        FileTally allGenerations = new FileTally();
        List<Generation> detail = new ArrayList<>();
        for (GenerationManifest g : gens) {
            Path dir = layout.generation(g.generationId());
            FileTally one = new FileTally().add(dir);
            allGenerations.add(dir);
            detail.add(new Generation(g.generationId(), g.createdAt(), liveId.equals(Optional.of(g.generationId())),
                    previousId.equals(Optional.of(g.generationId())), one.files(), one.bytes(), one.bytesFreedIfRemoved()));
        }
        FileTally live = new FileTally();
        if (liveId.isPresent() && Files.isDirectory(layout.generation(liveId.get()))) live.add(layout.generation(liveId.get()));
        FileTally staging = new FileTally().add(layout.staging());
        FileTally backups = new FileTally().add(layout.backups());
        FileTally total = new FileTally().add(layout.root());
        int stagingDirs = countDirs(layout.staging());
        int archives = countArchives(layout.backups());
        return new DiskUsage(
                new Area("live", live.files() > 0 ? 1 : 0, live.files(), live.bytes()),
                new Area("generations", gens.size(), allGenerations.files(), allGenerations.bytes()),
                new Area("staging", stagingDirs, staging.files(), staging.bytes()),
                new Area("backups", archives, backups.files(), backups.bytes()),
                new Area("total", gens.size() + stagingDirs + archives, total.files(), total.bytes()),
                detail);
    }

    private static int countDirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static int countArchives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(".tar.gz") && !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
