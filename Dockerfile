# The faiss-rebuild workers' image: Debian bookworm (libfaiss 1.7.3, as the build machines), a Temurin
# JDK 25 copied from Adoptium's image, the project built inside. Used by docker-compose.yml.
FROM eclipse-temurin:25-jdk AS jdk

FROM debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends libfaiss-dev libopenblas-dev g++ make maven util-linux \
    && rm -rf /var/lib/apt/lists/*
COPY --from=jdk /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH
WORKDIR /opt/faiss-rebuild
COPY . .
RUN mvn -B -q -DskipTests install && rm -rf /root/.m2
RUN groupadd --system faiss-rebuild && useradd --system --gid faiss-rebuild --home-dir /var/lib/faiss-rebuild faiss-rebuild \
    && install -d -m 750 -o faiss-rebuild -g faiss-rebuild /var/lib/faiss-rebuild /var/lib/faiss-rebuild/embeddings
USER faiss-rebuild
ENTRYPOINT ["/opt/faiss-rebuild/bin/faiss-rebuild-worker"]
