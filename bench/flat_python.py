"""Python side of bench/flat-build.sh: the same work as the builder's flat build, with Python FAISS.

np.load, IndexFlatIP.add, write_index to a temporary file, fsync, rename, fsync of the directory
(the durable write), then one sha256 of the written file. Prints one JSON line with the seconds.
"""
import hashlib
import json
import os
import resource
import sys
import time

import faiss
import numpy as np

embeddings, out = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
x = np.load(embeddings)
index = faiss.IndexFlatIP(x.shape[1])
index.add(x)
tmp = out + ".tmp"
faiss.write_index(index, tmp)
fd = os.open(tmp, os.O_RDONLY)
os.fsync(fd)
os.close(fd)
os.replace(tmp, out)
dfd = os.open(os.path.dirname(os.path.abspath(out)), os.O_RDONLY)
os.fsync(dfd)
os.close(dfd)
digest = hashlib.sha256()
with open(out, "rb") as f:
    while chunk := f.read(1 << 22):
        digest.update(chunk)
seconds = time.perf_counter() - t0
print(json.dumps({"build_s": seconds, "sha256": digest.hexdigest(),
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
