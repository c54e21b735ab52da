"""The `kiln` tool on every Keras fixture and on the tutorial MLP's saved model, checked against
values computed independently with h5py and numpy; plus corrupted files, which must never crash it."""
import io
import json
import os
import random
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import unittest
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))
import keras_numpy  # noqa: E402

KILN = os.path.abspath(sys.argv[1])
MLP_EXAMPLE = os.path.abspath(sys.argv[2])
FIXTURES = os.path.join(HERE, "..", "fixtures", "keras")
TMP = tempfile.mkdtemp(dir=os.environ.get("TEST_TMPDIR"))
FILES = sorted(os.path.join(FIXTURES, f) for f in os.listdir(FIXTURES) if f.endswith((".h5", ".keras")))
BUILDABLE = {"keras-2.0.9_mlp-sgd_full.h5", "keras-2.3.1_dense-softmax_full.h5", "tfkeras-2.11_mlp-activation_full.h5",
             "keras-2.3.1_cnn-dropout_full.h5", "keras-2.1.3_cnn-batchnorm_full.h5"}


def unbuildable_copy():
    """keras-team's Masking + LSTM file with its LSTM renamed ConvLSTM2D, a layer Kiln does not
    have: a real archive Kiln can inspect but not build, for the tools' error paths."""
    src = os.path.join(FIXTURES, "keras-3.8_masking-lstm.keras")
    dst = os.path.join(TMP, "unbuildable.keras")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "config.json":
                data = data.replace(b'"class_name": "LSTM"', b'"class_name": "ConvLSTM2D"')
                assert b"ConvLSTM2D" in data
            zout.writestr(item, data)
    return dst


UNBUILDABLE = unbuildable_copy()


def kiln(*args):
    p = subprocess.run([KILN, *args], capture_output=True, text=True, errors="replace")
    assert p.returncode >= 0, f"kiln {args} died with signal {-p.returncode}: {p.stderr}"
    return p


def h5_weights(path):
    """[(name, array)] in file order, read with h5py only."""
    if zipfile.is_zipfile(path):
        data = zipfile.ZipFile(path).read("model.weights.h5")
        f = h5py.File(io.BytesIO(data), "r")
    else:
        f = h5py.File(path, "r")
    out = []
    if "layers" in f and "layer_names" not in f.attrs:  # Keras 3: own vars, then sub-objects'
        def walk(group, path):
            vars_ = group.get("vars")
            i = 0
            while vars_ is not None and str(i) in vars_:
                out.append((f"{path}/vars/{i}", np.asarray(vars_[str(i)])))
                i += 1
            for child in sorted(group.keys()):
                if child != "vars" and isinstance(group[child], h5py.Group):
                    walk(group[child], f"{path}/{child}")
        for layer in sorted(f["layers"].keys()):
            walk(f["layers"][layer], f"layers/{layer}")
        return out
    group = f["model_weights"] if "model_weights" in f else f
    for layer in keras_numpy.strings(group.attrs["layer_names"]):
        for w in keras_numpy.strings(group[layer].attrs["weight_names"]):
            out.append((w, np.asarray(group[layer][w])))
    return out


class Inspect(unittest.TestCase):
    def test_json_matches_h5py_on_every_file(self):
        files = FILES + [MLP_FILE]
        lstm = json.loads(kiln("inspect", "--json", os.path.join(FIXTURES, "keras-3.8_masking-lstm.keras")).stdout)
        self.assertEqual(lstm["total_params"], 2 * 4 + 1 * 4 + 4)  # LSTM(1) on 2 features
        for path in files:
            with self.subTest(os.path.basename(path)):
                p = kiln("inspect", "--json", path)
                self.assertEqual(p.returncode, 0, p.stderr)
                info = json.loads(p.stdout)
                weights = h5_weights(path)
                self.assertEqual(info["total_params"], sum(w.size for _, w in weights))
                self.assertEqual(len(info["weights"]), len(weights))
                for got, (name, w) in zip(info["weights"], weights):
                    self.assertEqual(got["name"], name)
                    self.assertEqual(got["shape"], list(w.shape))
                    self.assertEqual(got["dtype"], str(w.dtype))
                    if w.size:
                        for key, want in (("min", w.min()), ("max", w.max()), ("mean", w.astype(np.float64).mean()),
                                          ("std", w.astype(np.float64).std())):
                            self.assertAlmostEqual(got[key], float(want), delta=1e-6 * max(1, abs(float(want))),
                                                   msg=f"{name} {key}")
                        self.assertEqual(got["zeros"], int((w == 0).sum()))
                for layer in info["layers"]:
                    self.assertIn("name", layer)
                    self.assertIn("class_name", layer)
                    self.assertIn("params", layer)
                self.assertEqual(sum(l["params"] for l in info["layers"]), info["total_params"])

    def test_text_summary_on_every_file(self):
        for path in FILES + [MLP_FILE]:
            with self.subTest(os.path.basename(path)):
                p = kiln("inspect", path)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("Total params:", p.stdout)
                self.assertIn("Weights:", p.stdout)
        p = kiln("inspect", MLP_FILE)
        self.assertIn("dense (Dense)                (None, 128)               100480", p.stdout)
        self.assertIn("Total params: 270,218", p.stdout)
        self.assertIn("optimizer: SGD", p.stdout)
        self.assertRegex(p.stdout, r"Written by Kiln \d+\.\d+\.\d+ \(Keras 2\.12\.0 format\)")
        self.assertNotIn("Keras version:", p.stdout)
        self.assertRegex(json.loads(kiln("inspect", "--json", MLP_FILE).stdout)["kiln_version"], r"^\d+\.\d+\.\d+$")
        cnn = kiln("inspect", os.path.join(FIXTURES, "keras-2.3.1_cnn-dropout_full.h5"))
        self.assertIn("conv2d_1 (Conv2D)            (None, 30, 26, 26)        300", cnn.stdout)
        lstm = kiln("inspect", UNBUILDABLE)
        self.assertIn("Kiln cannot build this model", lstm.stdout)
        self.assertIn("ConvLSTM2D", lstm.stdout)

    def test_keras3_archive_version_and_compile_config(self):
        gen = os.path.join(FIXTURES, "gen")
        p = kiln("inspect", os.path.join(gen, "keras-3.15_compiled-adam.keras"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Keras version: 3.15.1", p.stdout)  # from metadata.json
        self.assertIn("optimizer: Adam", p.stdout)  # from config.json's compile_config
        self.assertIn('loss: "categorical_crossentropy"', p.stdout)
        info = json.loads(kiln("inspect", "--json", os.path.join(gen, "keras-3.15_swapped-names.keras")).stdout)
        self.assertEqual(info["keras_version"], "3.15.1")
        self.assertTrue(info["buildable"])
        params = {l["name"]: l["params"] for l in info["layers"]}
        self.assertEqual(params["dense_1"], 8 * 6 + 6)  # stored at layers/dense, the first Dense
        self.assertEqual(params["dense"], 6 * 3 + 3)

    def test_graph_and_dot(self):
        p = kiln("inspect", "--graph", "--training", MLP_FILE)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("FusedMatMul", p.stdout)
        self.assertIn("fuse-matmul-bias-activation: changed", p.stdout)
        self.assertIn("ApplyGradientDescent", p.stdout)
        self.assertIn("@cpu", p.stdout)
        dot = os.path.join(TMP, "g.dot")
        p = kiln("inspect", "--dot", dot, MLP_FILE)
        self.assertEqual(p.returncode, 0, p.stderr)
        text = open(dot).read()
        self.assertTrue(text.startswith("digraph"))
        self.assertIn("FusedMatMul", text)
        if shutil.which("dot"):
            subprocess.run(["dot", "-Tsvg", dot, "-o", os.path.join(TMP, "g.svg")], check=True)
        for name in sorted(os.listdir(FIXTURES)):
            if name in BUILDABLE:
                self.assertEqual(kiln("inspect", "--graph", os.path.join(FIXTURES, name)).returncode, 0, name)
        p = kiln("inspect", "--graph", UNBUILDABLE)
        self.assertEqual(p.returncode, 4)
        self.assertIn("ConvLSTM2D", p.stderr)

    def test_html_is_self_contained(self):
        for path in FILES + [MLP_FILE]:
            with self.subTest(os.path.basename(path)):
                out = os.path.join(TMP, os.path.basename(path) + ".html")
                p = kiln("inspect", "--html", out, path)
                self.assertEqual(p.returncode, 0, p.stderr)
                html = open(out).read()
                if h5_weights(path):
                    self.assertIn("<svg", html)  # histograms (and the graph when buildable)
                self.assertNotIn("http://", html.replace("http://www.w3.org/2000/svg", ""))
                self.assertNotIn("https://", html)


class Predict(unittest.TestCase):
    def test_predictions_match_numpy(self):
        for name in sorted(BUILDABLE):
            path = os.path.join(FIXTURES, name)
            with self.subTest(name):
                f = h5py.File(path, "r")
                first = json.loads(f.attrs["model_config"])["config"]
                layers = first if isinstance(first, list) else first["layers"]
                c = layers[0]["config"]
                shape = (c.get("batch_input_shape") or c.get("batch_shape"))[1:]
                x = np.random.RandomState(0).randn(7, *shape).astype(np.float32)
                xin, yout = os.path.join(TMP, name + ".x.npy"), os.path.join(TMP, name + ".y.npy")
                np.save(xin, x)
                p = kiln("predict", path, "--input", xin, "--output", yout, "--batch-size", "3")
                self.assertEqual(p.returncode, 0, p.stderr)
                np.testing.assert_allclose(np.load(yout), keras_numpy.forward(f, x), atol=1e-5)

    def test_tutorial_model_on_uint8_and_float64(self):
        x = np.random.RandomState(1).randint(0, 256, size=(5, 28, 28)).astype(np.uint8)
        for dtype in (np.uint8, np.float64):
            xin, yout = os.path.join(TMP, "mlp.x.npy"), os.path.join(TMP, "mlp.y.npy")
            np.save(xin, x.astype(dtype))
            p = kiln("predict", MLP_FILE, "--input", xin, "--output", yout)
            self.assertEqual(p.returncode, 0, p.stderr)
            y = np.load(yout)
            self.assertEqual(y.shape, (5, 10))
            np.testing.assert_allclose(y, keras_numpy.forward(h5py.File(MLP_FILE, "r"), x.astype(np.float32)), atol=1e-5)

    def test_int32_input_models(self):
        # Input(dtype="int32") models from tf.keras 2.21 and Keras 3.15, fed their int32 arrays.
        for name in ("tfkeras-2.21_int32-input.h5", "keras-3.15_int32-input.keras"):
            with self.subTest(name):
                path = os.path.join(FIXTURES, "gen", name)
                yout = os.path.join(TMP, name + ".y.npy")
                p = kiln("predict", path, "--input", path + ".x.npy", "--output", yout)
                self.assertEqual(p.returncode, 0, p.stderr)
                np.testing.assert_allclose(np.load(yout), np.load(path + ".y.npy"), atol=1e-5)

    def test_several_inputs_and_outputs(self):
        # Keras 3.15's merges model: inputs p, q, x; eight outputs (every merge layer).
        gen = os.path.join(FIXTURES, "gen")
        name = "keras-3.15_functional-merges.keras"
        entry = next(e for e in json.load(open(os.path.join(gen, "manifest.json")))["fixtures"] if e["name"] == name)
        ins, outs = entry["input_names"], entry["output_names"]
        xs = [os.path.join(gen, f) for f in entry["files"]["x"]]
        want = [np.load(os.path.join(gen, f)) for f in entry["files"]["y"]]
        path = os.path.join(gen, name)
        kiln_file = os.path.join(TMP, "merges.kiln")
        self.assertEqual(kiln("export", path, kiln_file).returncode, 0)
        for model in (path, kiln_file):
            for named in (False, True):
                with self.subTest(model=os.path.basename(model), named=named):
                    ys = [os.path.join(TMP, f"merges.{i}.npy") for i in range(len(outs))]
                    args = ["predict", model, "--batch-size", "3"]
                    # By name in reverse order, or positionally in the model's order.
                    pairs = list(zip(ins, xs))[::-1] if named else list(zip(ins, xs))
                    for n, x in pairs:
                        args += ["--input", f"{n}={x}" if named else x]
                    opairs = list(zip(outs, ys))[::-1] if named else list(zip(outs, ys))
                    for n, y in opairs:
                        args += ["--output", f"{n}={y}" if named else y]
                    p = kiln(*args)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    for y, w in zip(ys, want):
                        np.testing.assert_allclose(np.load(y), w, atol=1e-5)
        p = kiln("predict", path, "--input", xs[0], "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("the model has 3 input(s) (" + ", ".join(ins) + ")", p.stderr)
        p = kiln("predict", path, "--input", f"{ins[0]}={xs[0]}", "--input", xs[1], "--input", xs[2],
                 "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("NAME=FILE.npy or none", p.stderr)
        args = ["predict", path]
        for n, x in zip(ins, xs):
            args += ["--input", f"{n}={x}"]
        p = kiln(*args, "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("the model has 8 output(s)", p.stderr)
        # An array of the wrong length for one input: named in the message.
        short = os.path.join(TMP, "short.npy")
        np.save(short, np.load(xs[1])[:2])
        args = ["predict", kiln_file, "--input", xs[0], "--input", short, "--input", xs[2]]
        for i in range(len(outs)):
            args += ["--output", os.path.join(TMP, f"o{i}.npy")]
        p = kiln(*args)
        self.assertEqual(p.returncode, 3)
        self.assertIn(f"input '{ins[1]}' has 2 samples", p.stderr)

    def test_layer_graph_of_functional_models(self):
        path = os.path.join(FIXTURES, "gen", "tfkeras-2.21_functional-shared-dense.h5")
        dot = os.path.join(TMP, "layers.dot")
        p = kiln("inspect", "--dot", dot, "--layers", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        text = open(dot).read()
        # Inputs a, b; 'shared' called on each (two boxes), their Add, then the head Dense.
        self.assertEqual(text.count("Dense\\nshared\\n"), 2, text)
        self.assertIn("Add\\nadd\\n(None, 3)", text)
        self.assertEqual(text.count(" -> "), 5, text)
        p = kiln("inspect", path)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Connected to", p.stdout)
        self.assertIn("shared[1][0]", p.stdout)
        html = os.path.join(TMP, "shared.html")
        self.assertEqual(kiln("inspect", "--html", html, path).returncode, 0)
        self.assertIn("<h2>Layers</h2>", open(html).read())
        self.assertEqual(kiln("inspect", "--layers", path).returncode, 2)

    def test_bad_inputs(self):
        bad = os.path.join(TMP, "bad.npy")
        np.save(bad, np.zeros((2, 3), np.float32))
        p = kiln("predict", MLP_FILE, "--input", bad, "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 3)  # bad input, not an unsupported model
        self.assertIn("expected flatten_input to have shape (28, 28)", p.stderr)
        np.save(bad, np.zeros((2, 28, 28), np.complex64))
        p = kiln("predict", MLP_FILE, "--input", bad, "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 3)
        self.assertIn("bad.npy", p.stderr)
        p = kiln("predict", UNBUILDABLE, "--input", XIN, "--output", os.path.join(TMP, "o.npy"))
        self.assertEqual(p.returncode, 4)
        self.assertIn("ConvLSTM2D", p.stderr)
        self.assertEqual(kiln("predict", MLP_FILE).returncode, 2)
        p = kiln("predict", MLP_FILE, "--input", XIN, "--output", os.path.join(TMP, "o.npy"), "--batch-size", "0")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr, "kiln predict: --batch-size must be at least 1, got 0\n")

    def test_says_what_it_wrote(self):
        out = os.path.join(TMP, "said.npy")
        p = kiln("predict", MLP_FILE, "--input", XIN, "--output", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, f"wrote {out}: (2, 10) float32\n")


class Diff(unittest.TestCase):
    def test_equal_and_different(self):
        self.assertEqual(kiln("diff", MLP_FILE, MLP_FILE).returncode, 0)
        other = os.path.join(TMP, "other.h5")
        shutil.copy(MLP_FILE, other)
        with h5py.File(other, "r+") as f:
            k = f["model_weights/dense/dense/kernel:0"]
            k[0, 0] = k[0, 0] + 0.5
        p = kiln("diff", MLP_FILE, other)
        self.assertEqual(p.returncode, 1)
        self.assertIn("DIFFERENT", p.stdout)
        self.assertIn("0.5", p.stdout)
        self.assertEqual(kiln("diff", "--tol", "0.6", MLP_FILE, other).returncode, 0)
        p = kiln("diff", MLP_FILE, os.path.join(FIXTURES, "keras-2.0.9_mlp-sgd_full.h5"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("shape mismatch", p.stdout)
        self.assertEqual(kiln("diff", MLP_FILE, "/nonexistent.h5").returncode, 3)

    def test_h5_equals_the_kiln_file_exported_from_it(self):
        # The .kiln lists its variables in another order and without ":0": matched by name.
        for path in (MLP_FILE, os.path.join(FIXTURES, "keras-2.3.1_cnn-dropout_full.h5")):
            with self.subTest(os.path.basename(path)):
                exported = os.path.join(TMP, os.path.basename(path) + ".kiln")
                self.assertEqual(kiln("export", path, exported).returncode, 0)
                p = kiln("diff", path, exported)
                self.assertEqual(p.returncode, 0, p.stdout)
                self.assertNotIn("mismatch", p.stdout)
                self.assertIn("equal (tolerance 0)", p.stdout)


class BazelRun(unittest.TestCase):
    """`bazel run` starts programs in the runfiles tree and says where the user was in
    BUILD_WORKING_DIRECTORY: relative paths on the command line mean files there."""

    def run_in(self, user_dir, args, **kw):
        elsewhere = tempfile.mkdtemp(dir=TMP)  # the "runfiles tree": nothing may land here
        env = dict(os.environ, BUILD_WORKING_DIRECTORY=user_dir)
        p = subprocess.run(args, cwd=elsewhere, env=env, capture_output=True, text=True, **kw)
        self.assertEqual(os.listdir(elsewhere), [], p.stdout)
        return p

    def test_kiln_paths_resolve_against_the_users_directory(self):
        user = tempfile.mkdtemp(dir=TMP)
        shutil.copy(MLP_FILE, os.path.join(user, "m.h5"))
        np.save(os.path.join(user, "x.npy"), np.zeros((3, 28, 28), np.float32))
        p = self.run_in(user, [KILN, "predict", "m.h5", "--input", "x.npy", "--output", "y.npy"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(np.load(os.path.join(user, "y.npy")).shape, (3, 10))
        self.assertIn(os.path.join(user, "y.npy"), p.stdout)
        p = self.run_in(user, [KILN, "predict", "m.h5", "--input", "flatten_input=x.npy", "--output",
                               "dense_3=named.npy"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(user, "named.npy")))
        p = self.run_in(user, [KILN, "export", "m.h5", "m.kiln"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(user, "m.kiln")))
        self.assertEqual(self.run_in(user, [KILN, "diff", "m.h5", "m.kiln"]).returncode, 0)
        p = self.run_in(user, [KILN, "inspect", "m.h5", "--html", "m.html", "--dot", "m.dot"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(user, "m.html")))
        self.assertTrue(os.path.exists(os.path.join(user, "m.dot")))
        # Absolute paths are unchanged.
        absolute = os.path.join(TMP, "absolute.npy")
        p = self.run_in(user, [KILN, "predict", "m.h5", "--input", "x.npy", "--output", absolute])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(absolute))

    def test_unset_changes_nothing(self):
        cwd = tempfile.mkdtemp(dir=TMP)
        env = {k: v for k, v in os.environ.items() if k != "BUILD_WORKING_DIRECTORY"}
        p = subprocess.run([KILN, "predict", MLP_FILE, "--input", XIN, "--output", "y.npy"], cwd=cwd, env=env,
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(cwd, "y.npy")))

    def test_example_saves_in_the_users_directory(self):
        self.assertTrue(os.path.exists(MLP_FILE))  # trained with --output fashion_mlp.h5 in TMP


class Ops(unittest.TestCase):
    def test_lists_registries(self):
        p = kiln("ops")
        self.assertEqual(p.returncode, 0)
        self.assertIn("MatMul", p.stdout)
        self.assertIn("FusedMatMul", p.stdout)
        self.assertIn("gradient: no (", p.stdout)
        n_ops = int(p.stdout.strip().splitlines()[-1].split()[0])
        self.assertGreaterEqual(n_ops, 45)
        self.assertEqual(len(p.stdout.strip().splitlines()), n_ops + 1)
        self.assertEqual(kiln("--help").returncode, 0)
        self.assertEqual(kiln("inspect", "--help").returncode, 0)
        self.assertEqual(kiln("frobnicate").returncode, 2)


class Robustness(unittest.TestCase):
    def test_corrupted_files_never_crash(self):
        rng = random.Random(7)
        cases = []
        for path in FILES:
            with open(path, "rb") as f:
                data = f.read()
            for frac in (0.0, 0.1, 0.5, 0.9, 0.99):
                cases.append(data[: int(len(data) * frac)])
            for _ in range(6):
                b = bytearray(data)
                for _ in range(rng.randint(1, 20)):
                    b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
                cases.append(bytes(b))
        huge = os.path.join(TMP, "huge.h5")
        shutil.copy(MLP_FILE, huge)
        with h5py.File(huge, "r+") as f:
            del f["model_weights/dense/dense/kernel:0"]
            f["model_weights/dense/dense"].create_dataset("kernel:0", shape=(10**6, 10**6), dtype="f4", chunks=True)
        cases.append(open(huge, "rb").read())
        for i, data in enumerate(cases):
            path = os.path.join(TMP, f"corrupt{i}.h5")
            open(path, "wb").write(data)
            for args in (["inspect", path], ["inspect", "--json", path], ["diff", path, MLP_FILE],
                         ["predict", path, "--input", XIN, "--output", os.path.join(TMP, "c.npy")]):
                p = kiln(*args)
                self.assertIn(p.returncode, (0, 1, 3, 4), f"{args}: {p.stderr}")
                if p.returncode in (3, 4):
                    self.assertIn("kiln " + args[0] + ": ", p.stderr)
        p = kiln("inspect", huge)
        self.assertEqual(p.returncode, 3)
        self.assertIn("larger than the file", p.stderr)


def weights_with_cycle(path, soft):
    """A Keras 3 .weights.h5 whose groups link back to themselves (hard or soft links)."""
    with h5py.File(path, "w") as f:
        f["layers/dense/vars/0"] = np.arange(6, dtype=np.float32).reshape(3, 2)
        f["layers/dense/vars/1"] = np.array([10, 11], np.float32)
        if soft:
            f["layers/dense/cell"] = h5py.SoftLink("/layers/dense")
            f["layers/dense/up"] = h5py.SoftLink("/layers")
        else:
            f["layers/dense/cell"] = f["layers/dense"]
            f["layers/dense/up"] = f["layers"]


class HostileInputs(unittest.TestCase):
    def test_special_files_are_refused_without_opening_them(self):
        fifo = os.path.join(TMP, "fifo.h5")
        os.mkfifo(fifo)  # no writer: opening it would block for ever
        sock_path = os.path.join(TMP, "sock.h5")
        sock = socket.socket(socket.AF_UNIX)
        cwd = os.getcwd()
        os.chdir(TMP)  # a relative name: the absolute sandbox path is longer than AF_UNIX allows
        try:
            sock.bind("sock.h5")
        finally:
            os.chdir(cwd)
        self.assertTrue(stat.S_ISSOCK(os.stat(sock_path).st_mode))
        for path, kind in ((fifo, "a FIFO (named pipe)"), (sock_path, "a socket"), ("/dev/null", "a device"),
                           (TMP, "a directory")):
            for args in (["inspect", path], ["diff", MLP_FILE, path], ["export", path, os.path.join(TMP, "o.kiln")],
                         ["predict", path, "--input", XIN, "--output", os.path.join(TMP, "o.npy")],
                         ["predict", MLP_FILE, "--input", path, "--output", os.path.join(TMP, "o.npy")]):
                with self.subTest(args=args):
                    p = kiln(*args)
                    self.assertEqual(p.returncode, 3, p.stderr)
                    self.assertIn(f"kiln {args[0]}: {path}: is {kind}, not a regular file", p.stderr)
        sock.close()

    def test_weights_with_link_cycles(self):
        for soft in (False, True):
            path = os.path.join(TMP, f"cycle{int(soft)}.weights.h5")
            weights_with_cycle(path, soft)
            p = kiln("inspect", "--json", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            names = [w["name"] for w in json.loads(p.stdout)["weights"]]
            self.assertEqual(names, ["layers/dense/vars/0", "layers/dense/vars/1"])

    def test_npy_inputs_with_hostile_headers(self):
        def npy(header, data=b"", major=2):
            path = os.path.join(TMP, "hostile.npy")
            with open(path, "wb") as f:
                f.write(b"\x93NUMPY" + bytes([major, 0]) + len(header).to_bytes(4, "little") + header + data)
            return kiln("predict", MLP_FILE, "--input", path, "--output", os.path.join(TMP, "o.npy"))
        for header, message in (
                (b"{'descr': '" + b"f" * 900000 + b"', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype"),
                (b"{'descr': '<f4', 'fortran_order': False, 'shape': (" + b"1, " * 300000 + b")}",
                 "more than 64 dimensions"),
                (b"{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4294967296, 4294967296)}", "overflows"),
                (b"{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 784)}", "more data than the file")):
            with self.subTest(message):
                p = npy(header)
                self.assertEqual(p.returncode, 3, p.stderr)
                self.assertIn("hostile.npy: ", p.stderr)
                self.assertIn(message, p.stderr)

    def test_predict_on_a_full_disk_keeps_the_previous_output(self):
        xin, out = os.path.join(TMP, "many.x.npy"), os.path.join(TMP, "kept.npy")
        np.save(xin, np.zeros((100, 28, 28), np.float32))  # 4 KB of predictions
        previous = np.arange(12, dtype=np.float32).reshape(3, 4)
        np.save(out, previous)
        before = open(out, "rb").read()

        def full_disk():  # in the child, before exec: a write past 1 KiB fails with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

        p = subprocess.run([KILN, "predict", MLP_FILE, "--input", xin, "--output", out], capture_output=True,
                           text=True, preexec_fn=full_disk)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn(f"kiln predict: {out}: cannot write: File too large", p.stderr)
        self.assertEqual(open(out, "rb").read(), before)
        self.assertEqual([n for n in os.listdir(TMP) if "kiln-tmp" in n], [])
        self.assertEqual(kiln("predict", MLP_FILE, "--input", xin, "--output", out).returncode, 0)
        self.assertEqual(np.load(out).shape, (100, 10))


if __name__ == "__main__":
    MLP_FILE = os.path.join(TMP, "fashion_mlp.h5")
    # As `bazel run //examples:fashion_mnist_mlp -- --output fashion_mlp.h5` from TMP: a relative
    # --output is the user's directory's file, not one in the directory the program runs in.
    runfiles = tempfile.mkdtemp(dir=TMP)
    subprocess.run([MLP_EXAMPLE, "--epochs", "1", "--verbose", "0", "--output", "fashion_mlp.h5"], check=True,
                   stdout=subprocess.DEVNULL, cwd=runfiles, env=dict(os.environ, BUILD_WORKING_DIRECTORY=TMP))
    assert os.listdir(runfiles) == [], os.listdir(runfiles)
    XIN = os.path.join(TMP, "x.npy")
    np.save(XIN, np.zeros((2, 28, 28), np.float32))
    unittest.main(argv=[sys.argv[0]], verbosity=2)
