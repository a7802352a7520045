#!/usr/bin/env bash
# The benchmark: Java (our FFM path) against Python FAISS on the same 200,000 x 128 embeddings.
#   bench/run.sh            (or: make bench)   REPS=5 THREADS=2 ROWS=... to change the defaults
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/env.sh"
rows=${ROWS:-200000}
dim=${DIM:-128}
data="$root/bench/data/${rows}x${dim}"
if [ ! -f "$data/embeddings_6h.npy" ]; then
  "$root/bin/faiss-rebuild" generate-embeddings --out "$data" --horizons 6 --count "$rows" --dim "$dim" >/dev/null
fi
/usr/bin/python3 "$root/bench/compare.py" --embeddings "$data/embeddings_6h.npy" --reps "${REPS:-3}" --threads "${THREADS:-1}" \
  --json-out "$root/bench/data/last-${rows}x${dim}.json"
