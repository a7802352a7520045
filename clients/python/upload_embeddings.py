#!/usr/bin/env python3
"""Upload embeddings files to the S3 location faiss-rebuild reads them from (paths.embeddings_dir = s3://bucket/prefix).

Each object carries the sha256 of its bytes as user metadata (x-amz-meta-sha256): every builder and validator
verifies the bytes it streams against it, and the trigger compares it with the live index's without downloading.
An object without it is refused. Upload the file whole, then send EmbeddingsUpdated (faiss_rebuild_client.py).

    python3 upload_embeddings.py s3://weather-embeddings/current embeddings_24h.npy [more.npy ...]
        [--endpoint-url http://minio:9000]   (credentials: the usual AWS environment variables or profile)

Needs boto3 (Debian: python3-boto3).
"""
import argparse
import hashlib
import os

import boto3
from botocore.config import Config


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def upload(s3, location, path):
    bucket, _, prefix = location[len("s3://"):].partition("/")
    key = (prefix.strip("/") + "/" if prefix.strip("/") else "") + os.path.basename(path)
    digest = sha256_of(path)
    s3.upload_file(path, bucket, key, ExtraArgs={"Metadata": {"sha256": digest}})
    return key, digest


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("location", help="s3://bucket[/prefix], the config's paths.embeddings_dir")
    p.add_argument("files", nargs="+")
    p.add_argument("--endpoint-url", help="an S3-compatible server (default: AWS)")
    a = p.parse_args()
    if not a.location.startswith("s3://"):
        p.error("location %r: expected s3://bucket[/prefix]" % a.location)
    s3 = boto3.client("s3", endpoint_url=a.endpoint_url, config=Config(s3={"addressing_style": "path"}))
    for f in a.files:
        key, digest = upload(s3, a.location, f)
        print("uploaded %s to %s key=%s sha256=%s" % (f, a.location, key, digest))


if __name__ == "__main__":
    main()
