package dev.faissrebuild.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineCommandsTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = FaissRebuildCli.run(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void generateBuildInspect() throws Exception {
        Run gen = cli("generate-embeddings", "--out", dir.toString(), "--horizons", "6,24", "--count", "3000", "--dim", "32");
        assertThat(gen.code()).isZero();
        assertThat(dir.resolve("embeddings_6h.npy")).exists();
        assertThat(dir.resolve("embeddings_24h.npy")).exists();
        assertThat(dir.resolve("embeddings_12h.npy")).doesNotExist();

        Path out = dir.resolve("i.faiss");
        Run build = cli("build-index", "--embeddings", dir.resolve("embeddings_6h.npy").toString(), "--type", "ivfpq",
                "--out", out.toString(), "--json");
        assertThat(build.code()).as(build.err()).isZero();
        JsonNode built = new ObjectMapper().readTree(build.out());
        assertThat(built.get("ntotal").asLong()).isEqualTo(3000);
        assertThat(built.get("factory").asText()).startsWith("IVF64,PQ");

        Run inspect = cli("inspect-index", out.toString(), "--json");
        assertThat(inspect.code()).isZero();
        JsonNode info = new ObjectMapper().readTree(inspect.out());
        assertThat(info.get("type").asText()).isEqualTo("IndexIVFPQ");
        assertThat(info.get("metric").asText()).isEqualTo("inner_product");
        assertThat(info.get("d").asInt()).isEqualTo(32);
        assertThat(info.get("nlist").asInt()).isEqualTo(64);
        assertThat(info.get("nprobe").asInt()).as("tuned, as the builder tunes").isEqualTo(built.get("nprobe").asInt()).isNotEqualTo(8);
        assertThat(info.get("size_bytes").asLong()).isEqualTo(Files.size(out));

        // what build-index makes is what the pipeline would deploy: the offline gates pass it
        Run validate = cli("validate-index", "--index", out.toString(), "--embeddings", dir.resolve("embeddings_6h.npy").toString());
        assertThat(validate.code()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).contains("VALIDATED: every gate passed");

        Run pinned = cli("build-index", "--embeddings", dir.resolve("embeddings_6h.npy").toString(), "--type", "ivfpq",
                "--factory", "IVF64,PQ8np", "--nprobe", "8", "--out", dir.resolve("pinned.faiss").toString(), "--json");
        assertThat(new ObjectMapper().readTree(pinned.out()).get("nprobe").asInt()).isEqualTo(8);
    }

    @Test
    void badInputsExitOneWithAClearMessage() throws Exception {
        Path notNpy = Files.writeString(dir.resolve("bad.npy"), "these are not the vectors you are looking for");
        Run build = cli("build-index", "--embeddings", notNpy.toString(), "--type", "flatip", "--out", dir.resolve("x.faiss").toString());
        assertThat(build.code()).isEqualTo(1);
        assertThat(build.err()).contains("embeddings file " + notNpy).contains("bad magic").doesNotContain("\tat ");
        assertThat(dir.resolve("x.faiss")).doesNotExist();

        Run type = cli("build-index", "--embeddings", notNpy.toString(), "--type", "hnsw", "--out", dir.resolve("x.faiss").toString());
        assertThat(type.code()).isEqualTo(1);
        assertThat(type.err()).contains("index type 'hnsw' is not one of flatip, ivfpq");

        Run inspect = cli("inspect-index", notNpy.toString());
        assertThat(inspect.code()).isEqualTo(1);
        assertThat(inspect.err()).contains("read_index").contains(notNpy.toString()).contains("not recognized");
    }
}
