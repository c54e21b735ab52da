#!/usr/bin/env bash
# ONNX interoperability: Kiln exports the tutorial MLP, the CNN (with BatchNormalization), a
# functional residual/concatenate block and the applications models at 64x64 (MobileNetV2,
# ResNet50, EfficientNetB0, VGG16, DenseNet121; random seeded weights with perturbed
# BatchNormalization statistics); onnx.checker (full_check) accepts each file and onnxruntime
# predicts Kiln's predictions within 1e-5 (onnx_interop.py). onnx and onnxruntime come
# from PyPI into a cached virtual environment; skipped visibly where PyPI is unreachable.
set -uo pipefail
writer="$1"
interop_py="$2"
requirements="$3"
source "$4"  # keras_venv.sh (kiln_keras_skip)
source "$5"  # onnx_venv.sh
kiln_onnx_venv onnx_interop "$requirements"
out="$(mktemp -d "${TEST_TMPDIR:-/tmp}/onnx.XXXXXX")"
models=(tutorial_mlp cnn functional_block mobilenet_v2 resnet50 efficientnet_b0 vgg16 densenet121)
"$writer" "$out" "${models[@]}" || exit 1
"$venv/bin/python" "$interop_py" "$out" "${models[@]}" || exit 1
echo "OK"
