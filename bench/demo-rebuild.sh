#!/usr/bin/env bash
# A forced demo rebuild of unchanged data, request -> deployed, three ways on one running system (the demo
# data at production sizes, 8 indices, a live generation present), ROUNDS times, the order rotated every round:
#   default  since issue 13: the unchanged file is an "append" of 0 rows, built from the live index (no training)
#   full     `rebuild --full`: trained afresh, IVF-PQ starting from the live index's code size
#   explore  `rebuild --explore`: every candidate of the recipe, coarsest first (what every rebuild did before)
#   bench/demo-rebuild.sh   after `make build`; ROUNDS=3
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
fr="$root/bin/faiss-rebuild"
data="$root/bench/data/demo-rebuild"
mkdir -p "$data"
[ -f "$data/embeddings/embeddings_48h.npy" ] || "$fr" generate-embeddings --out "$data/embeddings" >/dev/null
cat > "$data/config.json" <<'JSON'
{"scheduler": {"enabled": false}, "monitoring": {"health_check_port": 0, "metrics_port": 0}}
JSON
source "$root/bench/up.sh"

echo "first rebuild (makes the live generation and records its rows' digests): $(rebuild --full) s"
modes=(default full explore)
printf '%-6s %10s %10s %10s %14s %14s\n' round default_s full_s explore_s default/explore full/explore
ratios=()
for r in $(seq 1 "${ROUNDS:-3}"); do
  declare -A t=()
  for k in 0 1 2; do
    m=${modes[$(( (k + r - 1) % 3 ))]}
    case $m in default) t[$m]=$(rebuild) ;; full) t[$m]=$(rebuild --full) ;; explore) t[$m]=$(rebuild --explore) ;; esac
  done
  d=$(awk -v a="${t[default]}" -v b="${t[explore]}" 'BEGIN {printf "%.3f", a / b}')
  f=$(awk -v a="${t[full]}" -v b="${t[explore]}" 'BEGIN {printf "%.3f", a / b}')
  ratios+=("$f")
  printf '%-6s %10s %10s %10s %14s %14s\n' "$r" "${t[default]}" "${t[full]}" "${t[explore]}" "$d" "$f"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median full/explore: $median (below 0.65 is the issue's 35 % faster)"
grep -o 'event=build_succeeded.*index=[^ ]*ivfpq kind=[^ ]* factory=[^ ]* plan_source=[^ ]*.*phases="[^"]*"' "$data/up.log" | tail -12 \
  | sed -E 's/.*index=([^ ]*) kind=([^ ]*) factory=([^ ]*) plan_source=([^ ]*).* phases="([^"]*)".*/  \1 \2 \3 \4 \5/'
