#!/usr/bin/env bash
# The benchmark: Java (our FFM path) against Python FAISS on the same 200,000 x 128 embeddings.
#   bench/run.sh            (or: make bench)   REPS=5 THREADS=2 ROWS=... to change the defaults
set -euo pipefail
source "$(dirname "$0")/data.sh"
/usr/bin/python3 "$root/bench/compare.py" --embeddings "$embeddings" --reps "${REPS:-3}" --threads "${THREADS:-1}" \
  --json-out "$root/bench/data/last-${rows}x${dim}.json"
