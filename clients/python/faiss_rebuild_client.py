#!/usr/bin/env python3
"""faiss-rebuild's contract for the upstream embeddings pipeline, in one file (standard library and
Debian's python3-confluent-kafka; copy it where you need it).

    import faiss_rebuild_client as fr
    event_id = fr.publish_embeddings_updated("kafka:9092", horizons=[24], produced_by="embeddings-pipeline")
    outcome = fr.follow_deployments("kafka:9092", event_id, timeout=3600)
    # {"status": "deployed", "generation_id": ..., "rebuild_ids": [...], "decision": {...}, "event": {...}}
    # status: deployed | failed | skipped (nothing to do, e.g. unchanged files) | rejected (bad event)

The contract, in full: write the new .npy files first (float32, C order, shape (N, d), L2-normalised,
each written under a temporary name and renamed over embeddings/embeddings_{h}h.npy, so no reader
ever sees half a file), then publish one EmbeddingsUpdated on `faiss.embeddings.updated` (one
partition, key = the event id). `horizons` lists the horizons whose files changed; an empty list means
all. Events are Avro single-object encoded: C3 01, the writer schema's CRC-64-AVRO fingerprint of its
Parsing Canonical Form (little-endian), then Avro binary. This module computes the canonical form
itself: python3-avro 1.11 keeps {"type": "long"} for logical types where the spec writes "long", so
its fingerprints differ from every other implementation's. The trigger answers every event with a
CommandResult (`faiss.rebuild.command-results`, command_id = the event id) and the deploy that follows
names the event in GenerationDeployed / DeployFailed `command_id`.
"""
import argparse
import io
import json
import struct
import sys
import time
import uuid

EMBEDDINGS_UPDATED = "faiss.embeddings.updated"
COMMAND_RESULTS = "faiss.rebuild.command-results"
INDEX_DEPLOYED = "faiss.index.deployed"
PER_INDEX_TOPICS = ("faiss.rebuild.requested", "faiss.index.built", "faiss.index.validated")
INDEX_KEYS = [f"{h}h/{t}" for h in (6, 12, 24, 48) for t in ("flatip", "ivfpq")]


def partition_of(index_key):
    """The partition of an index key on the per-index topics: its place in INDEX_KEYS (6h/flatip is 0)."""
    return INDEX_KEYS.index(index_key)


# --- Avro: Parsing Canonical Form, CRC-64-AVRO, binary encoding -------------------------------------

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data):
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


def _fullname(name, namespace):
    return name if "." in name or not namespace else namespace + "." + name


def canonical_form(schema, namespace=None, seen=None):
    """The schema's Parsing Canonical Form (Avro specification, "Schema Resolution")."""
    seen = set() if seen is None else seen
    if isinstance(schema, str):
        return json.dumps(schema if schema in _PRIMITIVES else _fullname(schema, namespace))
    if isinstance(schema, list):
        return "[" + ",".join(canonical_form(s, namespace, seen) for s in schema) + "]"
    kind = schema["type"]
    if kind in _PRIMITIVES:
        return json.dumps(kind)  # drops logicalType and everything else
    if kind in ("array", "map"):
        part = "items" if kind == "array" else "values"
        return '{"type":"%s","%s":%s}' % (kind, part, canonical_form(schema[part], namespace, seen))
    name = _fullname(schema["name"], schema.get("namespace", namespace))
    if name in seen:
        return json.dumps(name)
    seen.add(name)
    inner = name.rsplit(".", 1)[0] if "." in name else None
    head = '{"name":%s,"type":"%s"' % (json.dumps(name, ensure_ascii=False), kind)
    if kind == "record":
        fields = ",".join('{"name":%s,"type":%s}' % (json.dumps(f["name"]), canonical_form(f["type"], inner, seen))
                          for f in schema["fields"])
        return head + ',"fields":[' + fields + "]}"
    if kind == "enum":
        return head + ',"symbols":' + json.dumps(schema["symbols"], separators=(",", ":")) + "}"
    if kind == "fixed":
        return head + ',"size":%d}' % int(schema["size"])
    raise ValueError("not an Avro schema: %r" % (schema,))


def fingerprint(schema):
    return crc64_avro(canonical_form(schema).encode("utf-8"))


class _Names:
    """Named types of one schema, so that later references to them can be followed."""

    def __init__(self, schema):
        self.types = {}
        self._collect(schema, None)

    def _collect(self, s, namespace):
        if isinstance(s, list):
            for x in s:
                self._collect(x, namespace)
        elif isinstance(s, dict):
            if s["type"] in ("record", "enum", "fixed"):
                name = _fullname(s["name"], s.get("namespace", namespace))
                self.types[name] = s
                namespace = name.rsplit(".", 1)[0] if "." in name else None
                for f in s.get("fields", []):
                    self._collect(f["type"], namespace)
            elif s["type"] in ("array", "map"):
                self._collect(s.get("items", s.get("values")), namespace)

    def resolve(self, s, namespace):
        if isinstance(s, str) and s not in _PRIMITIVES:
            return self.types[_fullname(s, namespace) if _fullname(s, namespace) in self.types else s]
        return s


def _zigzag(n):
    return (n << 1) ^ (n >> 63)


def _write_long(out, n):
    n = _zigzag(n) & 0xFFFFFFFFFFFFFFFF
    while n & ~0x7F:
        out.write(bytes([(n & 0x7F) | 0x80]))
        n >>= 7
    out.write(bytes([n]))


def _read_long(inp):
    shift, n = 0, 0
    while True:
        b = inp.read(1)[0]
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (n >> 1) ^ -(n & 1)


def _write(out, s, value, names, namespace=None):
    s = names.resolve(s, namespace)
    kind = s if isinstance(s, str) else ("union" if isinstance(s, list) else s["type"])
    if kind == "null":
        return
    if kind == "boolean":
        out.write(b"\x01" if value else b"\x00")
    elif kind in ("int", "long"):
        _write_long(out, int(value))
    elif kind == "float":
        out.write(struct.pack("<f", value))
    elif kind == "double":
        out.write(struct.pack("<d", value))
    elif kind in ("string", "bytes"):
        data = value.encode("utf-8") if kind == "string" else value
        _write_long(out, len(data))
        out.write(data)
    elif kind == "union":
        branch = next(i for i, b in enumerate(s) if (b == "null") == (value is None))
        _write_long(out, branch)
        _write(out, s[branch], value, names, namespace)
    elif kind in ("array", "map"):
        if value:
            _write_long(out, len(value))
            for item in (value if kind == "array" else value.items()):
                if kind == "map":
                    _write(out, "string", item[0], names)
                    item = item[1]
                _write(out, s["items" if kind == "array" else "values"], item, names, namespace)
        _write_long(out, 0)
    elif kind == "enum":
        _write_long(out, s["symbols"].index(value))
    elif kind == "record":
        inner = _fullname(s["name"], s.get("namespace", namespace)).rsplit(".", 1)[0]
        for f in s["fields"]:
            _write(out, f["type"], value.get(f["name"], f.get("default")), names, inner)
    else:
        raise ValueError("cannot encode %r" % (s,))


def _read(inp, s, names, namespace=None):
    s = names.resolve(s, namespace)
    kind = s if isinstance(s, str) else ("union" if isinstance(s, list) else s["type"])
    if kind == "null":
        return None
    if kind == "boolean":
        return inp.read(1) == b"\x01"
    if kind in ("int", "long"):
        return _read_long(inp)
    if kind == "float":
        return struct.unpack("<f", inp.read(4))[0]
    if kind == "double":
        return struct.unpack("<d", inp.read(8))[0]
    if kind in ("string", "bytes"):
        data = inp.read(_read_long(inp))
        return data.decode("utf-8") if kind == "string" else data
    if kind == "union":
        return _read(inp, s[_read_long(inp)], names, namespace)
    if kind in ("array", "map"):
        items = [] if kind == "array" else {}
        while True:
            count = _read_long(inp)
            if count == 0:
                return items
            if count < 0:  # a block with its byte size
                count = -count
                _read_long(inp)
            for _ in range(count):
                if kind == "array":
                    items.append(_read(inp, s["items"], names, namespace))
                else:
                    key = _read(inp, "string", names)
                    items[key] = _read(inp, s["values"], names, namespace)
    if kind == "enum":
        return s["symbols"][_read_long(inp)]
    if kind == "fixed":
        return inp.read(s["size"])
    if kind == "record":
        inner = _fullname(s["name"], s.get("namespace", namespace)).rsplit(".", 1)[0]
        return {f["name"]: _read(inp, f["type"], names, inner) for f in s["fields"]}
    raise ValueError("cannot decode %r" % (s,))


# --- the events this client writes and reads ------------------------------------------------------

# BEGIN GENERATED SCHEMAS (every released version of the events below; regenerate: mvn -pl cli test -Dtest=PythonClientTest -Dregenerate=true)
_SCHEMAS = [json.loads(s) for s in (
    r'''{"type":"record","name":"EmbeddingsUpdated","namespace":"dev.faissrebuild.events","doc":"The upstream pipeline wrote new embeddings for some horizons.","fields":[{"name":"event_id","type":"string"},{"name":"horizons","type":{"type":"array","items":"int"}},{"name":"produced_by","type":"string"},{"name":"produced_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"note","type":"string","default":""}]}''',  # v1
    r'''{"type":"record","name":"CommandResult","namespace":"dev.faissrebuild.events","doc":"What the trigger made of one RebuildCommand.","fields":[{"name":"command_id","type":"string"},{"name":"rebuild_id","type":["null","string"],"doc":"null when nothing was accepted","default":null},{"name":"accepted_keys","type":{"type":"array","items":"string"}},{"name":"coalesced","type":{"type":"array","items":{"type":"record","name":"CoalescedIndex","doc":"An index a command asked for that was already being rebuilt: the command joins that rebuild.","fields":[{"name":"index_key","type":"string"},{"name":"in_rebuild_id","type":"string"}]}}},{"name":"skipped","type":{"type":"array","items":{"type":"record","name":"SkippedIndex","doc":"An index a command asked for that will not be rebuilt, and why.","fields":[{"name":"index_key","type":"string"},{"name":"reason","type":"string"}]}}},{"name":"decided_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}''',  # v1
    r'''{"type":"record","name":"GenerationDeployed","namespace":"dev.faissrebuild.events","doc":"A new generation of the index set went live.","fields":[{"name":"rebuild_id","type":"string"},{"name":"generation_id","type":"string"},{"name":"previous_generation_id","type":["null","string"],"default":null},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"files","type":{"type":"array","items":{"type":"record","name":"DeployedFile","doc":"One index file of a deployed generation.","fields":[{"name":"index_key","type":"string"},{"name":"file_name","type":"string"},{"name":"sha256","type":"string"},{"name":"size_bytes","type":"long"},{"name":"ntotal","type":"long"},{"name":"factory","type":"string"},{"name":"nprobe","type":"int"},{"name":"recall_at_k","type":["null","double"],"default":null},{"name":"latency_p99_ms","type":["null","double"],"default":null},{"name":"rebuilt","type":"boolean","doc":"false = carried over unchanged from the previous generation"}]}}},{"name":"backup_id","type":["null","string"],"default":null},{"name":"swap_millis","type":"double"},{"name":"rebuild_seconds","type":"double"},{"name":"deployed_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}''',  # v1
    r'''{"type":"record","name":"DeployFailed","namespace":"dev.faissrebuild.events","doc":"A rebuild did not go live; the live generation is unchanged.","fields":[{"name":"rebuild_id","type":"string"},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"reason","type":"string"},{"name":"failed_keys","type":{"type":"array","items":"string"}},{"name":"live_generation_id","type":["null","string"],"default":null},{"name":"generation_id","type":["null","string"],"default":null},{"name":"rebuild_seconds","type":"double"},{"name":"failed_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}''',  # v1
    r'''{"type":"record","name":"RolledBack","namespace":"dev.faissrebuild.events","doc":"The live generation was switched back to an earlier one.","fields":[{"name":"rollback_id","type":"string"},{"name":"rebuild_id","type":["null","string"],"default":null},{"name":"from_generation_id","type":"string"},{"name":"to_generation_id","type":"string"},{"name":"reason","type":"string"},{"name":"automatic","type":"boolean"},{"name":"rolled_back_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}''',  # v1
    r'''{"type":"record","name":"GenerationDeployed","namespace":"dev.faissrebuild.events","doc":"A new generation of the index set went live.","fields":[{"name":"rebuild_id","type":"string"},{"name":"generation_id","type":"string"},{"name":"previous_generation_id","type":["null","string"],"default":null},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"files","type":{"type":"array","items":{"type":"record","name":"DeployedFile","doc":"One index file of a deployed generation.","fields":[{"name":"index_key","type":"string"},{"name":"file_name","type":"string"},{"name":"sha256","type":"string"},{"name":"size_bytes","type":"long"},{"name":"ntotal","type":"long"},{"name":"factory","type":"string"},{"name":"nprobe","type":"int"},{"name":"recall_at_k","type":["null","double"],"default":null},{"name":"latency_p99_ms","type":["null","double"],"default":null},{"name":"rebuilt","type":"boolean","doc":"false = carried over unchanged from the previous generation"},{"name":"validation_note","type":["null","string"],"doc":"why this file is live without having passed every quality gate (rebuild.require_validation_pass false, or validation.enabled false); null when it passed them (added in v2)","default":null}]}}},{"name":"backup_id","type":["null","string"],"default":null},{"name":"swap_millis","type":"double"},{"name":"rebuild_seconds","type":"double"},{"name":"deployed_at","type":{"type":"long","logicalType":"timestamp-millis"}}]}''',  # v2
    r'''{"type":"record","name":"CommandResult","namespace":"dev.faissrebuild.events","doc":"What the trigger made of one RebuildCommand.","fields":[{"name":"command_id","type":"string"},{"name":"rebuild_id","type":["null","string"],"doc":"null when nothing was accepted","default":null},{"name":"accepted_keys","type":{"type":"array","items":"string"}},{"name":"coalesced","type":{"type":"array","items":{"type":"record","name":"CoalescedIndex","doc":"An index a command asked for that was already being rebuilt: the command joins that rebuild.","fields":[{"name":"index_key","type":"string"},{"name":"in_rebuild_id","type":"string"}]}}},{"name":"skipped","type":{"type":"array","items":{"type":"record","name":"SkippedIndex","doc":"An index a command asked for that will not be rebuilt, and why.","fields":[{"name":"index_key","type":"string"},{"name":"reason","type":"string"}]}}},{"name":"decided_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"rejected_reason","type":["null","string"],"doc":"set when the command or event was refused (nothing planned), saying why","default":null}]}''',  # v3
    r'''{"type":"record","name":"GenerationDeployed","namespace":"dev.faissrebuild.events","doc":"A new generation of the index set went live.","fields":[{"name":"rebuild_id","type":"string"},{"name":"generation_id","type":"string"},{"name":"previous_generation_id","type":["null","string"],"default":null},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"files","type":{"type":"array","items":{"type":"record","name":"DeployedFile","doc":"One index file of a deployed generation.","fields":[{"name":"index_key","type":"string"},{"name":"file_name","type":"string"},{"name":"sha256","type":"string"},{"name":"size_bytes","type":"long"},{"name":"ntotal","type":"long"},{"name":"factory","type":"string"},{"name":"nprobe","type":"int"},{"name":"recall_at_k","type":["null","double"],"default":null},{"name":"latency_p99_ms","type":["null","double"],"default":null},{"name":"rebuilt","type":"boolean","doc":"false = carried over unchanged from the previous generation"},{"name":"validation_note","type":["null","string"],"doc":"why this file is live without having passed every quality gate (rebuild.require_validation_pass false, or validation.enabled false); null when it passed them (added in v2)","default":null}]}}},{"name":"backup_id","type":["null","string"],"default":null},{"name":"swap_millis","type":"double"},{"name":"rebuild_seconds","type":"double"},{"name":"deployed_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"command_id","type":["null","string"],"doc":"the operator command or upstream EmbeddingsUpdated event (its event_id) that started the rebuild","default":null}]}''',  # v3
    r'''{"type":"record","name":"DeployFailed","namespace":"dev.faissrebuild.events","doc":"A rebuild did not go live; the live generation is unchanged.","fields":[{"name":"rebuild_id","type":"string"},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"reason","type":"string"},{"name":"failed_keys","type":{"type":"array","items":"string"}},{"name":"live_generation_id","type":["null","string"],"default":null},{"name":"generation_id","type":["null","string"],"default":null},{"name":"rebuild_seconds","type":"double"},{"name":"failed_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"command_id","type":["null","string"],"doc":"the operator command or upstream EmbeddingsUpdated event (its event_id) that started the rebuild","default":null}]}''',  # v3
    r'''{"type":"record","name":"GenerationDeployed","namespace":"dev.faissrebuild.events","doc":"A new generation of the index set went live.","fields":[{"name":"rebuild_id","type":"string"},{"name":"generation_id","type":"string"},{"name":"previous_generation_id","type":["null","string"],"default":null},{"name":"trigger","type":{"type":"enum","name":"TriggerType","doc":"What started a rebuild. UNKNOWN is what a reader gets for a symbol added after its version.","symbols":["SCHEDULED","MANUAL","EMBEDDINGS_UPDATED","API","UNKNOWN"],"default":"UNKNOWN"}},{"name":"files","type":{"type":"array","items":{"type":"record","name":"DeployedFile","doc":"One index file of a deployed generation.","fields":[{"name":"index_key","type":"string"},{"name":"file_name","type":"string"},{"name":"sha256","type":"string"},{"name":"size_bytes","type":"long"},{"name":"ntotal","type":"long"},{"name":"factory","type":"string"},{"name":"nprobe","type":"int"},{"name":"recall_at_k","type":["null","double"],"default":null},{"name":"latency_p99_ms","type":["null","double"],"default":null},{"name":"rebuilt","type":"boolean","doc":"false = carried over unchanged from the previous generation"},{"name":"validation_note","type":["null","string"],"doc":"why this file is live without having passed every quality gate (rebuild.require_validation_pass false, or validation.enabled false); null when it passed them (added in v2)","default":null}]}}},{"name":"backup_id","type":["null","string"],"default":null},{"name":"backup_problem","type":["null","string"],"doc":"why the replaced generation could not be archived after the switch (deploy.backup_before_deploy); it stays on disk as the rollback target and the next deploy archives it before switching","default":null},{"name":"swap_millis","type":"double"},{"name":"rebuild_seconds","type":"double"},{"name":"deployed_at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"command_id","type":["null","string"],"doc":"the operator command or upstream EmbeddingsUpdated event (its event_id) that started the rebuild","default":null}]}''',  # v10
)]
# END GENERATED SCHEMAS

_BY_FINGERPRINT = {fingerprint(s): s for s in _SCHEMAS}


def _latest(name):
    return [s for s in _SCHEMAS if s["name"] == name][-1]


def encode(event_name, value):
    """A single-object encoded event of the newest released schema of `event_name`."""
    schema = _latest(event_name)
    out = io.BytesIO()
    out.write(b"\xc3\x01" + struct.pack("<Q", fingerprint(schema)))
    _write(out, schema, value, _Names(schema))
    return out.getvalue()


def decode(data):
    """(event name, dict) of a single-object encoded event; (None, None) for one this client does not know."""
    if len(data) < 10 or data[:2] != b"\xc3\x01":
        return None, None
    schema = _BY_FINGERPRINT.get(struct.unpack("<Q", data[2:10])[0])
    if schema is None:
        return None, None
    return schema["name"], _read(io.BytesIO(data[10:]), schema, _Names(schema))


# --- Kafka -------------------------------------------------------------------------------------------

def publish_embeddings_updated(bootstrap, horizons, produced_by, note="", event_id=None, config=None):
    """Publishes one EmbeddingsUpdated (after the new files are in place) and returns its event id."""
    from confluent_kafka import Producer
    event_id = event_id or "e-" + str(uuid.uuid4())
    event = {"event_id": event_id, "horizons": [int(h) for h in horizons], "produced_by": produced_by,
             "produced_at": int(time.time() * 1000), "note": note}
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all", **(config or {})})
    errors = []
    producer.produce(EMBEDDINGS_UPDATED, key=event_id, value=encode("EmbeddingsUpdated", event), partition=0,
                     on_delivery=lambda err, msg: err and errors.append(err))
    if producer.flush(30) > 0 or errors:
        raise RuntimeError("could not publish to %s at %s: %s" % (EMBEDDINGS_UPDATED, bootstrap, errors or "timed out"))
    return event_id


def _events(consumer, topic, timeout):
    """Every decodable event of a one-partition topic, from its start, then as they come, until `timeout`."""
    from confluent_kafka import TopicPartition, OFFSET_BEGINNING
    consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        name, value = decode(msg.value())
        if name:
            yield name, value


def follow_deployments(bootstrap, event_id, timeout=3600, config=None):
    """Waits for what became of the event: the trigger's decision, then the deploy of the rebuild it started."""
    from confluent_kafka import Consumer
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "follow-" + str(uuid.uuid4()),
                         "enable.auto.commit": False, "isolation.level": "read_committed", **(config or {})})
    try:
        deadline = time.monotonic() + timeout
        decision = next((v for n, v in _events(consumer, COMMAND_RESULTS, timeout)
                         if n == "CommandResult" and v["command_id"] == event_id), None)
        if decision is None:
            return {"status": "timeout", "decision": None}
        if decision.get("rejected_reason"):
            return {"status": "rejected", "reason": decision["rejected_reason"], "decision": decision}
        rebuilds = ([decision["rebuild_id"]] if decision["rebuild_id"] else []) + [c["in_rebuild_id"] for c in decision["coalesced"]]
        if not rebuilds:
            return {"status": "skipped", "reasons": {s["index_key"]: s["reason"] for s in decision["skipped"]}, "decision": decision}
        for name, v in _events(consumer, INDEX_DEPLOYED, max(1, deadline - time.monotonic())):
            if name in ("GenerationDeployed", "DeployFailed") and v["rebuild_id"] in rebuilds:
                status = "deployed" if name == "GenerationDeployed" else "failed"
                return {"status": status, "generation_id": v.get("generation_id"), "rebuild_ids": rebuilds,
                        "decision": decision, "event": v}
        return {"status": "timeout", "rebuild_ids": rebuilds, "decision": decision}
    finally:
        consumer.close()


def main(argv=None):
    p = argparse.ArgumentParser(description="Tell faiss-rebuild that embeddings were updated, and follow what it does.")
    p.add_argument("--bootstrap", required=True, help="Kafka bootstrap servers")
    p.add_argument("--horizons", default="", help="comma-separated hours, e.g. 6,24 (empty: all)")
    p.add_argument("--produced-by", default="embeddings-pipeline")
    p.add_argument("--note", default="")
    p.add_argument("--wait", type=float, default=0, help="seconds to wait for the outcome (0: do not wait)")
    a = p.parse_args(argv)
    horizons = [int(h) for h in a.horizons.split(",") if h.strip()]
    event_id = publish_embeddings_updated(a.bootstrap, horizons, a.produced_by, a.note)
    if not a.wait:
        print(json.dumps({"event_id": event_id}))
        return 0
    outcome = follow_deployments(a.bootstrap, event_id, a.wait)
    print(json.dumps({"event_id": event_id, **outcome}))
    return 0 if outcome["status"] in ("deployed", "skipped") else 1


if __name__ == "__main__":
    sys.exit(main())
