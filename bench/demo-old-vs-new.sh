#!/usr/bin/env bash
# Issue 13's acceptance, as it words it: a demo rebuild (second and later rebuilds, a live generation
# present), request -> deployed, OLD commit against this tree (its default rebuild, and with --full: trained
# afresh from the live settings), alternated, ROUNDS times. Both systems run
# side by side (`up` each, the same demo data at production sizes, 8 indices); only one rebuilds at a time,
# the order swapped every round. A forced rebuild is what the scheduler's daily run does with unchanged data.
#   bench/demo-old-vs-new.sh   after `make build`; OLD=371e707 (the commit before issue 13), ROUNDS=3
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
old=${OLD:-371e707}
rounds=${ROUNDS:-3}
base="$root/bench/data/old-vs-new"
tree="$base/tree-$old"
mkdir -p "$base"

if [ ! -f "$tree/cli/target/faiss-rebuild.jar" ]; then
  echo "building $old in $tree ..." >&2
  rm -rf "$tree"
  git -C "$root" worktree prune
  git -C "$root" worktree add -f --detach "$tree" "$old" >/dev/null 2>&1
  (cd "$tree" && mvn -B -q -o package -DskipTests >/dev/null)
fi

ups=()
trap 'for p in "${ups[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
start() {  # start NAME FR: data in $base/NAME, up's pid appended to ups
  local data="$base/$1" fr=$2
  mkdir -p "$data"
  [ -f "$data/embeddings/embeddings_48h.npy" ] || "$fr" generate-embeddings --out "$data/embeddings" >/dev/null
  echo '{"scheduler": {"enabled": false}, "monitoring": {"health_check_port": 0, "metrics_port": 0}}' > "$data/config.json"
  rm -rf "$data/indices" "$data/state"  # each run starts from the same place: no generations, no history
  FAISS_REBUILD_LOG_LEVEL=INFO "$fr" up --data-dir "$data" --config "$data/config.json" > "$data/up.log" 2>&1 &
  ups+=($!)
  for _ in $(seq 1 180); do grep -q "faiss-rebuild is up" "$data/up.log" && return; sleep 1; done
  echo "up ($1) did not start; see $data/up.log" >&2; exit 1
}
rebuild() {  # rebuild NAME FR [ARGS...]: seconds from request to deployed of a forced rebuild
  local data="$base/$1" fr=$2 t0 t1
  shift 2
  t0=$(date +%s.%N)
  FAISS_REBUILD_LOG_LEVEL=WARN "$fr" rebuild --force --wait "$@" --data-dir "$data" --config "$data/config.json" > "$data/last-rebuild.txt" 2>&1 \
    || { echo "rebuild ($1) failed:" >&2; cat "$data/last-rebuild.txt" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}'
}

start old "$tree/bin/faiss-rebuild"
start new "$root/bin/faiss-rebuild"
echo "first rebuilds (make the live generations): old $(rebuild old "$tree/bin/faiss-rebuild") s, new $(rebuild new "$root/bin/faiss-rebuild") s" >&2
printf '%-6s %10s %10s %10s %12s %12s\n' round old_s new_s new_full_s new/old new_full/old
ratios=() full_ratios=()
for r in $(seq 1 "$rounds"); do
  declare -A t=()
  for k in 0 1 2; do  # the order rotated every round
    case $(( (k + r - 1) % 3 )) in
      0) t[old]=$(rebuild old "$tree/bin/faiss-rebuild") ;;
      1) t[new]=$(rebuild new "$root/bin/faiss-rebuild") ;;
      2) t[full]=$(rebuild new "$root/bin/faiss-rebuild" --full) ;;
    esac
  done
  ratio=$(awk -v a="${t[new]}" -v b="${t[old]}" 'BEGIN {printf "%.3f", a / b}')
  full=$(awk -v a="${t[full]}" -v b="${t[old]}" 'BEGIN {printf "%.3f", a / b}')
  ratios+=("$ratio") full_ratios+=("$full")
  printf '%-6s %10s %10s %10s %12s %12s\n' "$r" "${t[old]}" "${t[new]}" "${t[full]}" "$ratio" "$full"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "median new/old: $(median "${ratios[@]}"), new --full/old: $(median "${full_ratios[@]}") (at most 0.65 is the issue's 35 % faster);" \
  "old = $old, new = $(git -C "$root" rev-parse --short HEAD)"
