# Sourced by the rebuild benchmarks: starts `faiss-rebuild up` on $data with $data/config.json (stopped on
# exit) and defines rebuild ARGS..., which prints the seconds from request to deployed of a forced rebuild.
# Needs: fr (bin/faiss-rebuild) and data (the benchmark's data dir) set.
args=(--data-dir "$data" --config "$data/config.json")
FAISS_REBUILD_LOG_LEVEL=INFO "$fr" up "${args[@]}" > "$data/up.log" 2>&1 &
up=$!
trap 'kill $up 2>/dev/null; wait $up 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do grep -q "faiss-rebuild is up" "$data/up.log" && break; sleep 1; done
grep -q "faiss-rebuild is up" "$data/up.log" || { echo "up did not start; see $data/up.log" >&2; exit 1; }

rebuild() {
  local t0 t1
  t0=$(date +%s.%N)
  FAISS_REBUILD_LOG_LEVEL=WARN "$fr" rebuild --force --wait "$@" "${args[@]}" > "$data/last-rebuild.txt" 2>&1 \
    || { echo "rebuild $* failed:" >&2; cat "$data/last-rebuild.txt" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}
