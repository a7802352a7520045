package dev.faissrebuild.store;

import java.nio.file.Files;

class LocalArtifactStoreTest extends ArtifactStoreContract {
    @Override
    ArtifactStore store() throws Exception {
        return ArtifactStore.open(dir.resolve("store").toString(), S3ArtifactStore.Settings.defaults());
    }

    @Override
    void corrupt(String key, byte[] bytes) throws Exception {
        Files.write(dir.resolve("store").resolve(key), bytes);
    }
}
