#!/usr/bin/env bash
# `kiln export` a Keras fixture, then decode the .kiln with flatc and the schema alone.
set -euo pipefail
kiln="$1"; schema="$2"; flatc="$3"
out="${TEST_TMPDIR:-/tmp}/flatc"
mkdir -p "$out"
"$kiln" export tests/fixtures/keras/keras-2.0.9_mlp-sgd_full.h5 "$out/m.kiln" --training
"$flatc" --json --strict-json --raw-binary -o "$out" "$schema" -- "$out/m.kiln"
/usr/bin/python3 - "$out/m.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["version"] == 2, m["version"]
names = [s["name"] for s in m["subgraphs"]]
assert names == ["serving", "train"], names
ops = {c["name"] for c in m["operator_codes"]}
assert {"FusedMatMul", "Softmax", "ApplyGradientDescent"} <= ops, ops
meta = {e["key"]: e["value"] for e in m["metadata"]}
assert meta["source_model"] and json.loads(meta["model_config"])["class_name"] == "Sequential"
assert len(m["buffers"][0].get("data", [])) == 0  # buffer 0 is the empty buffer
kernel = [t for t in m["subgraphs"][0]["tensors"] if t["name"] == "dense_1/kernel"][0]
assert kernel["shape"] == [100, 64] and len(m["buffers"][kernel["buffer"]]["data"]) == 100 * 64 * 4
print("flatc decoded", len(m["subgraphs"][0]["nodes"]), "serving nodes OK")
PY
