#!/usr/bin/env python3
"""Checks tests/fixtures/keras/gen/ with plain numpy + h5py (no Keras): every model file opens
(h5py for .h5, zipfile + h5py for .keras), every array named in manifest.json loads with the
recorded shape, and every .eval.json names files that exist. With --summary it also prints, for
the functional fixtures, how each file's model_config stores inbound_nodes, input_layers and
output_layers (the JSON shapes a loader must parse).

    /usr/bin/python3 scripts/keras_fixtures/check_fixtures.py [--summary]
"""

import io
import json
import pathlib
import sys
import zipfile

import h5py
import numpy as np

GEN = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "keras" / "gen"


def model_config(path):
    if path.name.endswith(".weights.h5"):
        with h5py.File(path, "r") as f:
            assert "layers" in f or len(f.keys()) > 0, path
        return None
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None, path
            with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r"):
                pass
            return json.loads(z.read("config.json"))
    with h5py.File(path, "r") as f:
        v = f.attrs["model_config"]
        return json.loads(v.decode() if isinstance(v, bytes) else v)


def flat_files(files):
    for v in files.values():
        for f in (v if isinstance(v, list) else [v]):
            yield f


def check():
    manifest = json.loads((GEN / "manifest.json").read_text())
    n_models = n_arrays = 0
    for e in manifest["fixtures"]:
        path = GEN / e["files"]["model"]
        model_config(path)
        n_models += 1
        for f in flat_files(e["files"]):
            p = GEN / f
            assert p.exists(), f
            if f.endswith(".npy"):
                np.load(p)
                n_arrays += 1
        for io_key, file_key in (("inputs", "x"), ("outputs", "y")):
            for item in e.get(io_key, []):
                assert list(np.load(GEN / item[file_key]).shape) == item["shape"], (e["name"], item)
        if "eval" in e["files"]:
            doc = json.loads((GEN / e["files"]["eval"]).read_text())
            for f in doc["x"] + doc["y_true"] + doc["y_pred"] + doc["after"]:
                assert (GEN / f).exists(), f
    listed = {e["files"]["model"] for e in manifest["fixtures"]}
    # make_training_traces.py lists its model files in training_traces.json.
    traces = GEN / "training_traces.json"
    if traces.exists():
        for c in json.loads(traces.read_text())["cases"]:
            model_config(GEN / c["file"])
            listed.add(c["file"])
            n_models += 1
    on_disk = {p.name for p in GEN.iterdir() if p.suffix in (".h5", ".keras")}
    assert listed == on_disk, (listed ^ on_disk)
    print(f"ok: {n_models} model files, {n_arrays} arrays")
    return manifest


def node_forms(layer):
    return json.dumps(layer.get("inbound_nodes"))


def summary(manifest):
    for e in manifest["fixtures"]:
        if e.get("kind") != "functional" or e["format"] == "keras3-weights-h5":
            continue
        cfg = model_config(GEN / e["name"])
        c = cfg["config"]
        print(f"== {e['name']}  ({cfg['class_name']}, {e['format']})")
        print("   input_layers:", json.dumps(c["input_layers"]))
        print("   output_layers:", json.dumps(c["output_layers"]))
        for layer in c["layers"]:
            print(f"   {layer['class_name']} {layer['config']['name']!r}: {node_forms(layer)}")


if __name__ == "__main__":
    m = check()
    if "--summary" in sys.argv:
        summary(m)
