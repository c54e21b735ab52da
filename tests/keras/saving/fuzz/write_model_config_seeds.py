#!/usr/bin/env python3
"""Writes the model_config fuzzer's seeds: the model_config JSON of every Keras fixture (.h5
attribute, or config.json of a .keras archive), one file each, into corpus_model_config_fuzzer/.
Run once with Debian's python3 (h5py): python3 tests/keras/saving/fuzz/write_model_config_seeds.py"""
import hashlib
import json
import pathlib
import zipfile

import h5py

REPO = pathlib.Path(__file__).resolve().parents[4]
OUT = pathlib.Path(__file__).resolve().parent / "corpus_model_config_fuzzer"
OUT.mkdir(exist_ok=True)
seen = set()
for path in sorted((REPO / "tests/fixtures/keras").rglob("*")):
    text = None
    if path.suffix == ".h5":
        with h5py.File(path, "r") as f:
            text = f.attrs.get("model_config")
    elif path.suffix == ".keras":
        with zipfile.ZipFile(path) as z:
            text = json.dumps(json.loads(z.read("config.json")))
    if text is None:
        continue
    text = text.decode() if isinstance(text, bytes) else str(text)
    digest = hashlib.sha1(text.encode()).hexdigest()[:16]
    if digest in seen:
        continue
    seen.add(digest)
    (OUT / f"seed-{digest}.json").write_text(text)
print(len(seen), "seeds in", OUT)
