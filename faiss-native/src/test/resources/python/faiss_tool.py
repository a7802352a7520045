"""Python FAISS side of the cross-language tests: the reference our Java path must agree with.

Run with Debian's /usr/bin/python3 (python3-faiss, python3-numpy: the same FAISS 1.7.3).
Every command prints one JSON document on stdout.
"""
import json
import sys

import faiss
import numpy as np


def search(index_path, queries_path, k, mmap=False):
    """Reads an index written by Java, searches the query rows, prints ids and scores."""
    flags = faiss.IO_FLAG_MMAP if mmap == "mmap" else 0
    index = faiss.read_index(index_path, flags)
    queries = np.load(queries_path)
    scores, ids = index.search(np.ascontiguousarray(queries, dtype="float32"), int(k))
    print(json.dumps({"ids": ids.tolist(), "scores": scores.tolist(), "ntotal": index.ntotal, "d": index.d}))


def build(embeddings_path, factory, metric, out_path, nprobe):
    """Builds and writes an index the way a Python consumer would."""
    x = np.load(embeddings_path)
    index = faiss.index_factory(x.shape[1], factory, faiss.METRIC_INNER_PRODUCT if metric == "ip" else faiss.METRIC_L2)
    index.train(x)
    index.add(x)
    if int(nprobe) > 0:
        faiss.ParameterSpace().set_index_parameter(index, "nprobe", int(nprobe))
    faiss.write_index(index, out_path)
    print(json.dumps({"ntotal": index.ntotal}))


def exact_recall(index_path, embeddings_path, query_ids_path, k):
    """recall@k of an index against NumPy brute-force inner product, queries excluded from their lists."""
    index = faiss.read_index(index_path)
    x = np.load(embeddings_path)
    qids = np.array(json.load(open(query_ids_path)), dtype="int64")
    q = x[qids]
    k = int(k)
    sims = q @ x.T
    sims[np.arange(len(qids)), qids] = -np.inf
    truth = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    _, found = index.search(q, k + 1)
    hits = 0
    for row, qid in enumerate(qids):
        got = [i for i in found[row] if i != qid][:k]
        hits += len(set(got) & set(truth[row].tolist()))
    print(json.dumps({"recall": hits / (k * len(qids))}))


def held_out_recall(index_path, embeddings_path, indexed, query_ids_path, k):
    """recall@k for held-out rows: the index emptied and given the first `indexed` rows, the query rows
    (all after them) against NumPy brute-force inner product over those rows."""
    index = faiss.read_index(index_path)
    x = np.load(embeddings_path)
    indexed, k = int(indexed), int(k)
    qids = np.array(json.load(open(query_ids_path)), dtype="int64")
    assert (qids >= indexed).all()
    index.reset()
    index.add(x[:indexed])
    q = x[qids]
    truth = np.argsort(-(q @ x[:indexed].T), axis=1, kind="stable")[:, :k]
    _, found = index.search(q, k)
    hits = sum(len(set(found[row].tolist()) & set(truth[row].tolist())) for row in range(len(qids)))
    print(json.dumps({"recall": hits / (k * len(qids))}))


def save(out_path, kind, rows, dim):
    """Writes .npy files NumPy-style, good and bad, for the reader's tests."""
    rng = np.random.default_rng(7)
    rows, dim = int(rows), int(dim)
    x = rng.standard_normal((rows, dim)).astype("<f4")
    if kind == "f4":
        np.save(out_path, x)
    elif kind == "f8":
        np.save(out_path, x.astype("<f8"))
    elif kind == "big-endian":
        np.save(out_path, x.astype(">f4"))
    elif kind == "fortran":
        np.save(out_path, np.asfortranarray(x))
    elif kind == "1d":
        np.save(out_path, x.reshape(-1))
    elif kind == "3d":
        np.save(out_path, x.reshape(rows, 1, dim))
    elif kind == "nan":
        x[rows // 2, dim // 3] = np.nan
        np.save(out_path, x)
    elif kind == "inf":
        x[rows - 1, dim - 1] = np.inf
        np.save(out_path, x)
    else:
        raise SystemExit("unknown kind " + kind)
    print(json.dumps({"written": out_path}))


if __name__ == "__main__":
    globals()[sys.argv[1].replace("-", "_")](*sys.argv[2:])
