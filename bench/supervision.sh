#!/usr/bin/env bash
# What build supervision costs: the same IVF-PQ build in the worker's JVM and in a supervised child
# (own JVM, time limit, memory fence, progress reports), alternated ROUNDS times on ROWS x DIM embeddings.
#   bench/supervision.sh   after `make build`; ROUNDS=5 ROWS=200000 DIM=128 FACTORY=IVF1024,PQ32np THREADS=1
set -euo pipefail
source "$(dirname "$0")/data.sh"
FAISS_REBUILD_LOG_LEVEL=WARN "$root/bin/faiss-rebuild" bench-supervision --embeddings "$embeddings" \
  --factory "${FACTORY:-IVF1024,PQ32np}" --threads "${THREADS:-1}" --rounds "${ROUNDS:-5}" --out "$data/supervision.faiss"
