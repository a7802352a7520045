#!/usr/bin/env bash
# An append, then a rebuild of that horizon two ways: incremental (the default: the live indices plus the
# new rows, the IVF-PQ training kept) and `--full` (trained afresh), ROUNDS times on one running system
# with the demo data (24h: 13,148 x 256). Each round appends SHARE (1 %) new rows, rebuilds incrementally,
# then fully on the same file; it prints request -> deployed and the IVF-PQ build's own seconds.
#   bench/incremental-rebuild.sh   after `make build`; ROUNDS=3 SHARE=0.01
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
fr="$root/bin/faiss-rebuild"
data="$root/bench/data/incremental-rebuild"
mkdir -p "$data/embeddings"
[ -f "$data/embeddings/embeddings_24h.npy" ] || "$fr" generate-embeddings --out "$data/embeddings" --horizons 24 >/dev/null
cat > "$data/config.json" <<'JSON'
{"rebuild": {"horizons": [24]}, "scheduler": {"enabled": false}, "monitoring": {"health_check_port": 0, "metrics_port": 0}}
JSON
source "$root/bench/up.sh"
ivfpq_seconds() {  # the last ivfpq build's kind and seconds
  grep 'event=build_succeeded.*index=24h/ivfpq' "$data/up.log" | tail -1 | sed -E 's/.* kind=([^ ]*) .* seconds=([^ ]*) .*/\1 \2/'
}

echo "first rebuild (makes the live generation): $(rebuild --full) s"
printf '%-6s %8s %14s %12s %14s %12s %8s\n' round rows incremental_s ivfpq_inc_s full_s ivfpq_full_s ratio
for r in $(seq 1 "${ROUNDS:-3}"); do
  rows=$(/usr/bin/python3 - "$data/embeddings/embeddings_24h.npy" "${SHARE:-0.01}" <<'PY'
import os, sys
import numpy as np
f, share = sys.argv[1], float(sys.argv[2])
a = np.load(f)
n = max(1, int(len(a) * share))
rng = np.random.default_rng(len(a))
new = a[-n:] + 0.05 * rng.standard_normal((n, a.shape[1])).astype(np.float32)   # the series goes on
new /= np.linalg.norm(new, axis=1, keepdims=True)
tmp = f[:-4] + ".append.npy"
np.save(tmp, np.concatenate([a, new]).astype(np.float32))
os.replace(tmp, f)
print(len(a) + n)
PY
)
  inc=$(rebuild); read -r kind_i inc_ivfpq <<< "$(ivfpq_seconds)"
  full=$(rebuild --full); read -r kind_f full_ivfpq <<< "$(ivfpq_seconds)"
  [ "$kind_i" = incremental ] && [ "$kind_f" = full ] || echo "  (kinds: $kind_i / $kind_f)"
  printf '%-6s %8s %14s %12s %14s %12s %8s\n' "$r" "$rows" "$inc" "$inc_ivfpq" "$full" "$full_ivfpq" \
    "$(awk -v a="$inc_ivfpq" -v b="$full_ivfpq" 'BEGIN {printf "%.3f", a / b}')"
done
