# Sourced by the benchmarks: the JDK, and the benchmark's embeddings (ROWS x DIM, generated once).
# Sets root, rows, dim, data (the directory) and embeddings (its embeddings_6h.npy).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
rows=${ROWS:-200000}
dim=${DIM:-128}
data="$root/bench/data/${rows}x${dim}"
embeddings="$data/embeddings_6h.npy"
if [ ! -f "$embeddings" ]; then
  "$root/bin/faiss-rebuild" generate-embeddings --out "$data" --horizons 6 --count "$rows" --dim "$dim" >/dev/null
fi
