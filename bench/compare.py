"""Runs the Java and Python FAISS paths on the same data, alternating, one fresh process per run,
and prints medians and Java/Python ratios for build time, search time and peak RSS.

Usage: bench/compare.py --embeddings F.npy [--reps 3] [--threads 1] [--factories Flat,IVF1024,PQ16np]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("--embeddings", required=True)
p.add_argument("--reps", type=int, default=3)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--queries", type=int, default=1000)
p.add_argument("--nprobe", type=int, default=16)
p.add_argument("--factories", default="Flat;IVF1024,PQ16np")
p.add_argument("--json-out")
a = p.parse_args()

env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS=str(a.threads))


def run(impl, factory, out):
    common = ["--embeddings", a.embeddings, "--factory", factory, "--out", out, "--threads", str(a.threads),
              "--queries", str(a.queries), "--nprobe", str(a.nprobe)]
    if impl == "java":
        cmd = [os.path.join(ROOT, "bin", "faiss-rebuild"), "bench-run"] + common
    else:
        cmd = ["/usr/bin/python3", os.path.join(ROOT, "bench", "faiss_python.py")] + common
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"{impl} failed: {res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


results = {}
with tempfile.TemporaryDirectory() as tmp:
    for factory in a.factories.split(";"):
        runs = {"java": [], "python": []}
        for rep in range(a.reps):
            order = ["java", "python"] if rep % 2 == 0 else ["python", "java"]
            for impl in order:
                r = run(impl, factory, os.path.join(tmp, f"{impl}.faiss"))
                runs[impl].append(r)
                print(f"  {factory:<16} rep {rep + 1}/{a.reps} {impl:<6} build {r['build_s']:.3f} s (cpu {r['build_cpu_s']:.3f} s)  "
                      f"search {r['search_s']:.4f} s  peak RSS {r['peak_rss_bytes'] / 2**20:.0f} MiB", file=sys.stderr)
        results[factory] = {impl: {m: statistics.median(x[m] for x in rs) for m in ("build_s", "build_cpu_s", "search_s", "peak_rss_bytes")}
                            for impl, rs in runs.items()}

print(f"\n{a.embeddings}: medians of {a.reps} runs, {a.threads} thread(s), {a.queries} queries, k=10, nprobe={a.nprobe}\n")
print("| index | build Java s | build Python s | build ratio | build CPU ratio | search Java s | search Python s | search ratio | peak RSS Java MiB | peak RSS Python MiB | RSS ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for factory, r in results.items():
    j, py = r["java"], r["python"]
    print(f"| {factory} | {j['build_s']:.3f} | {py['build_s']:.3f} | {j['build_s'] / py['build_s']:.3f} "
          f"| {j['build_cpu_s'] / py['build_cpu_s']:.3f} | {j['search_s']:.4f} | {py['search_s']:.4f} | {j['search_s'] / py['search_s']:.3f} "
          f"| {j['peak_rss_bytes'] / 2**20:.0f} | {py['peak_rss_bytes'] / 2**20:.0f} | {j['peak_rss_bytes'] / py['peak_rss_bytes']:.2f} |")
if a.json_out:
    with open(a.json_out, "w") as f:
        json.dump(results, f, indent=2)
