"""A Python consumer of the live indices while generations are swapped under it (reader acceptance test).

Loops until STOP_FILE exists (or MAX_SECONDS pass), alternating two kinds of pass:
  fixed      faiss.read_index on each fixed path indices/faiss_{h}h_{type}.faiss, as the legacy
             service does, and a search; each file alone must open, search, and be one a
             generation built (ntotal in [BASE_ROWS, MAX_ROWS]).
  consistent resolve indices/current once, open every file from that directory, and check it is
             one set: the directory's MANIFEST.json names that generation, and each file holds
             the ntotal the manifest records (the test encodes the building generation in ntotal).
Writes READY_FILE after the first pass of each kind, prints one JSON summary at the end.

Usage: live_readers.py ROOT STOP_FILE READY_FILE BASE_ROWS MAX_ROWS MAX_SECONDS NAME...
"""
import json
import os
import sys
import time

import faiss
import numpy as np


def main(root, stop_file, ready_file, base_rows, max_rows, max_seconds, *names):
    faiss.omp_set_num_threads(1)
    base_rows, max_rows, deadline = int(base_rows), int(max_rows), time.time() + float(max_seconds)
    queries = np.random.default_rng(1).standard_normal((4, 16)).astype("float32")
    s = {"passes": 0, "opens": 0, "failed_opens": 0, "searches": 0, "failed_searches": 0, "bad_files": 0,
         "consistent_sets": 0, "mixed_sets": 0, "errors": []}
    generations = set()

    def problem(kind, message):
        s[kind] += 1
        if len(s["errors"]) < 10:
            s["errors"].append(kind + ": " + message)

    def open_and_search(path):
        """The index at path after one search, or None when opening or searching failed."""
        try:
            index = faiss.read_index(path)
            s["opens"] += 1
        except Exception as e:  # any failure to open is what the test counts
            problem("failed_opens", path + ": " + str(e))
            return None
        try:
            _, ids = index.search(queries, 5)
            if ids.min() < 0 or ids.max() >= index.ntotal:
                raise ValueError("ids out of range: " + str(ids.tolist()))
            s["searches"] += 1
        except Exception as e:
            problem("failed_searches", path + ": " + str(e))
            return None
        return index

    def fixed_pass():
        for name in names:
            index = open_and_search(os.path.join(root, name))
            if index is not None and not base_rows <= index.ntotal <= max_rows:
                problem("bad_files", name + " holds " + str(index.ntotal) + " vectors")

    def consistent_pass():
        gen_dir = os.path.realpath(os.path.join(root, "current"))  # resolved once for the whole set
        generation = os.path.basename(gen_dir)
        with open(os.path.join(gen_dir, "MANIFEST.json")) as f:
            manifest = json.load(f)
        mixed = manifest["generation_id"] != generation
        for entry in manifest["files"]:
            index = open_and_search(os.path.join(gen_dir, entry["file_name"]))
            mixed = mixed or (index is not None and index.ntotal != entry["ntotal"])
        if mixed:
            problem("mixed_sets", generation)
        else:
            s["consistent_sets"] += 1
        generations.add(generation)

    while not os.path.exists(stop_file) and time.time() < deadline:
        fixed_pass()
        try:
            consistent_pass()
        except Exception as e:  # e.g. the manifest of the resolved generation unreadable
            problem("failed_opens", "consistent set: " + str(e))
        s["passes"] += 1
        if s["passes"] == 1:
            open(ready_file, "w").close()
    s["generations_seen"] = len(generations)
    s["stopped_by_deadline"] = not os.path.exists(stop_file)
    print(json.dumps(s))


if __name__ == "__main__":
    main(*sys.argv[1:])
