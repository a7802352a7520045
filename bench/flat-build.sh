#!/usr/bin/env bash
# Flat build at scale, Java against Python FAISS doing the same work (load, add, durable write, one sha256),
# alternated, one fresh process per run. Java is the builder's own build (`faiss-rebuild build-index`): it also
# takes the embeddings' digests (whole file and rows, one read, two threads) the pipeline needs.
#   bench/flat-build.sh          ROWS=2000000 DIM=256 REPS=3 by default
set -euo pipefail
export ROWS=${ROWS:-2000000} DIM=${DIM:-256}
source "$(dirname "$0")/data.sh"
reps=${REPS:-3}
out=$(mktemp -d "$root/bench/data/flat-build.XXXXXX")
trap 'rm -rf "$out"' EXIT
cat "$embeddings" > /dev/null  # both read a file in the page cache, as the builder does after the trigger hashed it
java_s=() python_s=()
for rep in $(seq 1 "$reps"); do
  for impl in $([ $((rep % 2)) -eq 1 ] && echo "java python" || echo "python java"); do
    rm -f "$out"/*.faiss; sync  # warm page cache for the input (read once below), the outputs written fresh
    if [ "$impl" = java ]; then
      s=$("$root/bin/faiss-rebuild" build-index --type flatip --embeddings "$embeddings" --out "$out/java.faiss" --threads 2 --json \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["build_seconds"])')
      java_s+=("$s")
    else
      s=$(OMP_NUM_THREADS=2 /usr/bin/python3 "$root/bench/flat_python.py" "$embeddings" "$out/python.faiss" \
          | python3 -c 'import json,sys; print(json.load(sys.stdin)["build_s"])')
      python_s+=("$s")
    fi
    printf '  rep %d/%d %-6s %.2f s\n' "$rep" "$reps" "$impl" "$s" >&2
  done
done
python3 - "${java_s[*]}" "${python_s[*]}" "$rows" "$dim" <<'PY'
import statistics, sys
j = [float(x) for x in sys.argv[1].split()]
p = [float(x) for x in sys.argv[2].split()]
print(f"\nflat build {sys.argv[3]} x {sys.argv[4]}, {len(j)} runs each, alternated")
print("| build | Java s (median) | Python s (median) | ratio |\n|---|---|---|---|")
print(f"| IndexFlatIP + durable write + sha256 | {statistics.median(j):.2f} ({', '.join(f'{x:.2f}' for x in j)}) "
      f"| {statistics.median(p):.2f} ({', '.join(f'{x:.2f}' for x in p)}) | {statistics.median(j) / statistics.median(p):.3f} |")
PY
