"""Python side of the benchmark: the same steps as `faiss-rebuild bench-run`, with Python FAISS.

build = load the .npy, index_factory, train on all vectors, add, write_index
search = read_index, set nprobe, one warm-up, then one timed batch search of the same query rows
Prints one JSON line. Run with /usr/bin/python3 (Debian's python3-faiss: FAISS 1.7.3, as the Java side).
"""
import argparse
import json
import resource
import time

import faiss
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--embeddings", required=True)
p.add_argument("--factory", required=True)
p.add_argument("--out", required=True)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--queries", type=int, default=1000)
p.add_argument("--k", type=int, default=10)
p.add_argument("--nprobe", type=int, default=16)
a = p.parse_args()

faiss.omp_set_num_threads(a.threads)
t0 = time.perf_counter()
c0 = time.process_time()
x = np.load(a.embeddings)
index = faiss.index_factory(x.shape[1], a.factory, faiss.METRIC_INNER_PRODUCT)
if not index.is_trained:
    index.train(x)
index.add(x)
faiss.write_index(index, a.out)
ntotal = index.ntotal
build = time.perf_counter() - t0
build_cpu = time.process_time() - c0
del index

index = faiss.read_index(a.out)
if "IVF" in a.factory:
    faiss.ParameterSpace().set_index_parameter(index, "nprobe", a.nprobe)
step = x.shape[0] // a.queries
q = np.ascontiguousarray(x[np.arange(a.queries) * step])
index.search(q[: min(10, a.queries)], a.k)
s0 = time.perf_counter()
D, I = index.search(q, a.k)
search = time.perf_counter() - s0
assert I.shape == (a.queries, a.k)

print(json.dumps({"impl": "python", "build_s": build, "build_cpu_s": build_cpu, "search_s": search,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "ntotal": ntotal}))
