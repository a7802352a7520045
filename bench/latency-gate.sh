#!/usr/bin/env bash
# The latency regression gate on a busy machine (LatencyUnderLoadTest at full size): an unchanged flat
# index against itself and a flat index over twice the vectors, RUNS times each, while FAISS k-means
# training runs on LOAD_THREADS other threads; prints the counts, ratios and load averages.
#   bench/latency-gate.sh    after `make build`; RUNS=50 SLOW_EVERY=5 ROWS=13148 DIM=256 LOAD_THREADS=1 are the defaults,
#   MVN_FLAGS="-B -q -Dmaven.repo.local=..." for another Maven repository
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/env.sh"
cd "$root"
report=validator-worker/target/latency-under-load.txt  # the test writes it
log=$(mktemp)
status=0
rm -f "$report"
# shellcheck disable=SC2086  # MVN_FLAGS is a list of flags
mvn ${MVN_FLAGS:--B -q} -pl validator-worker test -Dtest=LatencyUnderLoadTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlatency.runs="${RUNS:-50}" -Dlatency.rows="${ROWS:-13148}" -Dlatency.dim="${DIM:-256}" \
  -Dlatency.loadThreads="${LOAD_THREADS:-1}" -Dlatency.slowEvery="${SLOW_EVERY:-5}" >"$log" 2>&1 || status=$?
if [ -f "$report" ]; then cat "$report"; fi
if [ "$status" -ne 0 ]; then grep -E "Tests run|FAIL|Expect|expected|ERROR\]   " "$log" | head -n 20 >&2; fi
rm -f "$log"
exit "$status"
