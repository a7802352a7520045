#!/usr/bin/env bash
# One rebuild at scale, request -> deployed, per size: horizon 6 only (6h/flatip and 6h/ivfpq), SIZES rows x
# DIM, on a running system (`faiss-rebuild up`, bench/up.sh). Per index it prints the build's seconds and
# phases, its peak RSS, the validation's seconds, the validator's peak RSS (sampled: the system does not report
# it), the deploy's seconds and request -> deployed; a markdown table on stdout, bench/data/scale-last.json.
#   bench/scale.sh   after `make build`; SIZES="1000000 2000000" DIM=256 (quick check: SIZES=20000 bench/scale.sh)
#   FRESH=1          (default) each size starts without indices: a first build (IVF-PQ tries every candidate of
#                    the recipe, coarsest first; no backup, no regression gates). FRESH=0 keeps the size's last
#                    generation and rebuilds with --full (trained afresh from the live code size, backup first).
#   TIMEOUT_MIN=120 MAX_MEMORY_GB=20   rebuild.max_rebuild_time_minutes and rebuild.max_memory_gb
#   MAX_LATENCY_MS=1000  validation.max_latency_threshold_ms (the seed's 100 rejects flat at 1M: see below)
#   SAMPLE_S=0.5     how often the validation children's VmHWM is read from /proc
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/env.sh"
fr="$root/bin/faiss-rebuild"
sizes=${SIZES:-"1000000 2000000"}
dim=${DIM:-256}
timeout_min=${TIMEOUT_MIN:-120}
max_memory_gb=${MAX_MEMORY_GB:-20}
# a flat index's single query reads all of it (1M x 256: p99 284 ms on one thread): with the seed's 100 ms it is
# rejected and nothing deploys, so the benchmark's budget is 1 s to measure the deploy too; MAX_LATENCY_MS=100 for the seed's
max_latency_ms=${MAX_LATENCY_MS:-1000}
sample_s=${SAMPLE_S:-0.5}
fresh=${FRESH:-1}
out_json="$root/bench/data/scale-last.json"
say() { echo "$*" >&2; }  # progress on stderr, the table on stdout

up="" sampler=""
stop_up() {  # SIGTERM: `up` lets its workers finish or hand back their records (a running build: ~30 s), then stops the broker
  trap '' INT TERM  # a second Ctrl-C must not leave `up` running unwaited
  if [ -n "$sampler" ]; then kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""; fi  # (set -e: every kill || true)
  if [ -n "$up" ]; then
    kill "$up" 2>/dev/null || true
    local i
    for i in $(seq 1 180); do kill -0 "$up" 2>/dev/null || break; sleep 1; done
    if kill -0 "$up" 2>/dev/null; then say "  up did not stop within 180 s of SIGTERM: killed"; kill -KILL "$up" 2>/dev/null || true; fi
    wait "$up" 2>/dev/null || true
    up=""
    if grep -q "Embedded Kafka .* stopped" "$data/up.log"; then say "  up stopped cleanly"; else say "  up stopped (no clean-stop line in $data/up.log)"; fi
  fi
  trap 'exit 130' INT
  trap 'exit 143' TERM
}
trap stop_up EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

sample_validators() {  # "epoch pid VmHWM_kB" of up's validation children, every $sample_s s, while up runs
  local p h
  while kill -0 "$up" 2>/dev/null; do
    for p in $(pgrep -P "$up" -f 'validator\.run\.ValidationJob' || true); do
      h=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
      [ -n "$h" ] && echo "$(date +%s.%N) $p $h"
    done
    sleep "$sample_s"
  done
}

results=()
for rows in $sizes; do
  data="$root/bench/data/scale-${rows}x${dim}"
  mkdir -p "$data/embeddings"
  if [ ! -f "$data/embeddings/embeddings_6h.npy" ]; then
    say "generating $rows x $dim embeddings (6h) in $data/embeddings ..."
    "$fr" generate-embeddings --out "$data/embeddings" --horizons 6 --count "$rows" --dim "$dim" >/dev/null
  fi
  cat > "$data/config.json" <<JSON
{"rebuild": {"horizons": [6], "index_types": ["flatip", "ivfpq"], "max_rebuild_time_minutes": $timeout_min, "max_memory_gb": $max_memory_gb},
 "scheduler": {"enabled": false, "max_rebuild_duration_hours": $(( (3 * timeout_min + 59) / 60 ))},
 "validation": {"max_latency_threshold_ms": $max_latency_ms},
 "monitoring": {"health_check_port": 0, "metrics_port": 0}}
JSON
  mode=(--full)
  if [ "$fresh" = 1 ] || [ ! -e "$data/indices/current" ]; then
    rm -rf "$data/indices" "$data/state"; mode=(); kind="first build (no live generation)"
  else
    kind="rebuild --full (live generation kept)"
  fi
  say "$rows x $dim: starting up, then one $kind ..."
  t_size=$(date +%s)
  source "$root/bench/up.sh"    # starts up ($up), defines rebuild
  trap stop_up EXIT             # up.sh's trap replaced: ours also stops the sampler and says how up stopped
  sample_validators > "$data/validator-rss.txt" &
  sampler=$!
  wall=$(rebuild "${mode[@]}" --timeout $(( 3 * timeout_min )))
  stop_up
  /usr/bin/python3 - "$data" "$rows" "$dim" "$wall" "$kind" "$sample_s" <<'PY'
import json, re, sys
from datetime import datetime, timezone
data, rows, dim, wall, kind, sample_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
rid = re.search(r"rebuild (r\S+) started", open(f"{data}/last-rebuild.txt").read()).group(1)

def ts(line):
    return datetime.strptime(line.split(" ", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()

def fields(line):
    return {k: (a if a != "" else b) for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|(\S*))', line.split(" ", 1)[1])}

reported = {}  # index -> the validation child's peak RSS, as its parent logs it (event=validation_resources)
ev, backups = {}, []  # event -> [(ts, fields)] of this rebuild; backup_created lines (they name no rebuild)
for line in open(f"{data}/up.log"):
    m = re.search(r" event=(\w+) ", line)
    if m and re.search(rf"\brebuild={re.escape(rid)}(\s|$)", line):
        ev.setdefault(m.group(1), []).append((ts(line), fields(line)))
    elif m and m.group(1) == "backup_created":
        backups.append((ts(line), fields(line)))
    elif m and m.group(1) == "validation_resources" and f" validation={rid}/" in line:
        f = fields(line)
        reported[f["validation"].split("/", 1)[1]] = int(f["memory_peak_bytes"])

done = ev["rebuild_completed"][-1]
judged = {f["index"]: (t, f) for t, f in ev.get("index_validated", []) + ev.get("index_rejected", [])}
backup = [f for t, f in backups if ev["rebuild_planned"][0][0] <= t <= done[0] and f["generation"] == done[1]["previous"]]

procs = {}  # validation child pid -> [first seen, last seen, max VmHWM kB]
for line in open(f"{data}/validator-rss.txt"):
    t, pid, kb = line.split()
    p = procs.setdefault(pid, [float(t), float(t), 0])
    p[1], p[2] = float(t), max(p[2], int(kb))

indices = []
for t_built, b in sorted(ev["build_succeeded"], key=lambda e: e[1]["index"]):
    key = b["index"]
    t_val, v = judged.get(key, (None, {}))
    val_s = float(v["seconds"]) if "seconds" in v else None
    rss = None
    if t_val is not None and procs:  # the child whose lifetime overlaps this validation most
        start = t_val - (val_s or 0)
        pid, p = max(procs.items(), key=lambda e: min(e[1][1], t_val) - max(e[1][0], start))
        if min(p[1], t_val) - max(p[0], start) >= 0:
            rss = p[2] * 1024
            del procs[pid]
    indices.append({
        "index": key, "kind": b["kind"], "factory": b["factory"], "ntotal": int(b["ntotal"]), "d": int(b["d"]),
        "build_seconds": float(b["seconds"]),
        "phase_seconds": {k: float(x) for k, x in (p.split("=") for p in b["phases"].split())},
        "build_process_seconds": float(b["process_seconds"]), "build_cpu_seconds": float(b["cpu_seconds"]),
        "build_peak_rss_bytes": int(b["memory_peak_bytes"]), "size_bytes": int(b["size_bytes"]),
        "validated": "recall_at_k" in v or "quality_checked" in v, "rejected": v.get("gate"),
        "recall_at_k": float(v["recall_at_k"]) if "recall_at_k" in v else None,
        "p99_ms": float(v["p99_ms"]) if "p99_ms" in v else None,
        "validation_seconds": val_s,
        "validator_peak_rss_bytes": reported.get(key, rss),
        "validator_peak_rss_source": "reported" if key in reported else "sampled",
    })
switch = ev.get("generation_switched", [(None, {})])[-1][1]
out = {
    "rows": rows, "dim": dim, "mode": kind, "rebuild": rid, "generation": done[1]["generation"],
    "request_to_deployed_wall_seconds": wall,                      # the `rebuild --wait` client's clock
    "rebuild_seconds": float(done[1]["rebuild_seconds"]),          # the deployer's: requested_at -> deployed
    "deploy_seconds": round(done[0] - max(t for t, _ in judged.values()), 3),  # last validation -> rebuild_completed
    "swap_ms": float(switch["swap_ms"]) if "swap_ms" in switch else None,
    "backup_seconds": float(backup[-1]["seconds"]) if backup else None,
    "validator_peak_rss_sampling": f"where not reported (event=validation_resources): max VmHWM of up's ValidationJob child, read from /proc every {sample_s} s "
                                 "(the validator does not report its child's peak; the last < sample interval is missed)",
    "indices": indices,
}
json.dump(out, open(f"{data}/scale-result.json", "w"), indent=1)
PY
  results+=("$data/scale-result.json")
  say "  done in $(( $(date +%s) - t_size )) s: $data/scale-result.json"
  /usr/bin/python3 - "$out_json" "${results[@]}" <<'PY'   # after every size, so a later failure keeps the earlier ones
import json, sys
json.dump({"sizes": [json.load(open(f)) for f in sys.argv[2:]]}, open(sys.argv[1], "w"), indent=1)
PY
done

/usr/bin/python3 - "$out_json" <<'PY'
import json, sys
sizes = json.load(open(sys.argv[1]))["sizes"]
phases = []
for s in sizes:
    for i in s["indices"]:
        phases += [p for p in i["phase_seconds"] if p not in phases]
mib = lambda b: "n/a" if b is None else f"{b / 2**20:.0f}"
num = lambda x, f="{:.2f}": "n/a" if x is None else f.format(x)
head = ["rows", "index", "factory", "build s"] + [f"{p} s" for p in phases] + \
       ["build peak RSS MiB", "validation s", "validator peak RSS MiB", "deploy s", "request→deployed s"]
print("| " + " | ".join(head) + " |")
print("|" + "|".join("---" for _ in head) + "|")
for s in sizes:
    for i in s["indices"]:
        val = num(i["validation_seconds"]) + ("" if i["rejected"] is None else f" (rejected: {i['rejected']})")
        print("| " + " | ".join([f"{s['rows']:,}", i["index"], i["factory"], num(i["build_seconds"])]
              + [num(i["phase_seconds"].get(p)) for p in phases]
              + [mib(i["build_peak_rss_bytes"]), val, mib(i["validator_peak_rss_bytes"]),
                 num(s["deploy_seconds"]), num(s["request_to_deployed_wall_seconds"], "{:.1f}")]) + " |")
print()
for s in sizes:
    ix = {i["index"].split("/")[1]: i for i in s["indices"]}
    f, q = ix.get("flatip"), ix.get("ivfpq")
    print(f"{s['rows']:,} x {s['dim']} ({s['mode']}): request→deployed {s['request_to_deployed_wall_seconds']:.1f} s "
          f"(deployer {s['rebuild_seconds']:.1f} s); build flatip {num(f and f['build_seconds'])} s, ivfpq {num(q and q['build_seconds'])} s "
          f"({q and q['factory']}); validation {num(f and f['validation_seconds'])} / {num(q and q['validation_seconds'])} s; "
          f"deploy {s['deploy_seconds']:.2f} s (switch {num(s['swap_ms'])} ms, "
          f"{'no backup' if s['backup_seconds'] is None else 'backup ' + num(s['backup_seconds'], '{:.3f}') + ' s'}); "
          f"peak RSS build {mib(f and f['build_peak_rss_bytes'])} / {mib(q and q['build_peak_rss_bytes'])} MiB, "
          f"validator {mib(f and f['validator_peak_rss_bytes'])} / {mib(q and q['validator_peak_rss_bytes'])} MiB")
print("\nvalidator peak RSS: the validation child's, as logged by event=validation_resources (sampled from /proc where absent)")
print(f"JSON: {sys.argv[1]}")
PY
