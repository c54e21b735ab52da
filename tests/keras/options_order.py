"""Checks that each Kiln options struct lists the Keras arguments it shares with Keras 3's
callable in Keras's order (C++ designated initializers must follow declaration order, so a
Keras user's argument order should compile as written)."""
import inspect, os, re, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras

root = sys.argv[1]  # the folder holding keras/
# struct -> (header, the Keras callables it serves; (callable, fields to skip) where one struct
# serves callables that disagree)
TABLE = {
    "Conv2DOptions": ("keras/layers/conv2d.h", keras.layers.Conv2D),
    "Conv1DOptions": ("keras/layers/conv1d.h", keras.layers.Conv1D),
    "Conv2DTransposeOptions": ("keras/layers/conv2d_transpose.h", keras.layers.Conv2DTranspose),
    "DepthwiseConv2DOptions": ("keras/layers/depthwise_conv2d.h", keras.layers.DepthwiseConv2D),
    "SeparableConv2DOptions": ("keras/layers/separable_conv2d.h", keras.layers.SeparableConv2D),
    "Pooling2DOptions": ("keras/layers/pooling2d.h", keras.layers.MaxPooling2D,
                         keras.layers.AveragePooling2D),
    "Pooling1DOptions": ("keras/layers/pooling1d.h", keras.layers.MaxPooling1D),
    "GlobalPoolingOptions": ("keras/layers/global_pooling.h", keras.layers.GlobalAveragePooling2D),
    "DenseOptions": ("keras/layers/dense.h", keras.layers.Dense),
    "DropoutOptions": ("keras/layers/dropout.h", keras.layers.Dropout),
    "SpatialDropout2DOptions": ("keras/layers/spatial_dropout2d.h", keras.layers.SpatialDropout2D),
    "GaussianNoiseOptions": ("keras/layers/gaussian_noise.h", keras.layers.GaussianNoise),
    "GaussianDropoutOptions": ("keras/layers/gaussian_dropout.h", keras.layers.GaussianDropout),
    "BatchNormalizationOptions": ("keras/layers/batch_normalization.h", keras.layers.BatchNormalization),
    "LayerNormalizationOptions": ("keras/layers/layer_normalization.h", keras.layers.LayerNormalization),
    "NormalizationOptions": ("keras/layers/normalization.h", keras.layers.Normalization),
    "EmbeddingOptions": ("keras/layers/embedding.h", keras.layers.Embedding),
    "RNNOptions": ("keras/layers/recurrent.h", keras.layers.LSTM, keras.layers.GRU,
                   # One struct for the three: SimpleRNN alone lists seed last.
                   (keras.layers.SimpleRNN, {"seed"})),
    "BidirectionalOptions": ("keras/layers/bidirectional.h", keras.layers.Bidirectional),
    "InputLayerOptions": ("keras/layers/input_layer.h", keras.layers.InputLayer),
    "InputOptions": ("keras/layers/input_layer.h", keras.Input),
    "ReLUOptions": ("keras/layers/relu.h", keras.layers.ReLU),
    "LeakyReLUOptions": ("keras/layers/relu.h", keras.layers.LeakyReLU),
    "PReLUOptions": ("keras/layers/prelu.h", keras.layers.PReLU),
    "ELUOptions": ("keras/layers/elu.h", keras.layers.ELU),
    "SoftmaxOptions": ("keras/layers/softmax.h", keras.layers.Softmax),
    "UpSampling2DOptions": ("keras/layers/up_sampling2d.h", keras.layers.UpSampling2D),
    "ZeroPadding2DOptions": ("keras/layers/zero_padding2d.h", keras.layers.ZeroPadding2D),
    "Cropping2DOptions": ("keras/layers/cropping2d.h", keras.layers.Cropping2D),
    "ResizingOptions": ("keras/layers/resizing.h", keras.layers.Resizing),
    "CenterCropOptions": ("keras/layers/center_crop.h", keras.layers.CenterCrop),
    "RescalingOptions": ("keras/layers/rescaling.h", keras.layers.Rescaling),
    "MaskingOptions": ("keras/layers/masking.h", keras.layers.Masking),
    "DotOptions": ("keras/layers/dot.h", keras.layers.Dot),
    "ConcatenateOptions": ("keras/layers/concatenate.h", keras.layers.Concatenate),
    "FlattenOptions": ("keras/layers/flatten.h", keras.layers.Flatten),
    "ReshapeOptions": ("keras/layers/reshape.h", keras.layers.Reshape),
    "PermuteOptions": ("keras/layers/permute.h", keras.layers.Permute),
    "TimeDistributedOptions": ("keras/layers/time_distributed.h", keras.layers.TimeDistributed),
    "SGDOptions": ("keras/optimizers/sgd.h", keras.optimizers.SGD),
    "AdamOptions": ("keras/optimizers/adam.h", keras.optimizers.Adam),
    "RMSpropOptions": ("keras/optimizers/rmsprop.h", keras.optimizers.RMSprop),
    "AdagradOptions": ("keras/optimizers/adagrad.h", keras.optimizers.Adagrad),
    "AdadeltaOptions": ("keras/optimizers/adadelta.h", keras.optimizers.Adadelta),
    "AdamaxOptions": ("keras/optimizers/adamax.h", keras.optimizers.Adamax),
    "NadamOptions": ("keras/optimizers/nadam.h", keras.optimizers.Nadam),
    "FtrlOptions": ("keras/optimizers/ftrl.h", keras.optimizers.Ftrl),
    "LionOptions": ("keras/optimizers/lion.h", keras.optimizers.Lion),
    "CommonOptions": ("keras/optimizers/optimizer.h", keras.optimizers.Optimizer),
    "ExponentialDecayOptions": ("keras/optimizers/schedules/exponential_decay.h", keras.optimizers.schedules.ExponentialDecay),
    "InverseTimeDecayOptions": ("keras/optimizers/schedules/inverse_time_decay.h", keras.optimizers.schedules.InverseTimeDecay),
    "PolynomialDecayOptions": ("keras/optimizers/schedules/polynomial_decay.h", keras.optimizers.schedules.PolynomialDecay),
    "CosineDecayOptions": ("keras/optimizers/schedules/cosine_decay.h", keras.optimizers.schedules.CosineDecay),
    "CosineDecayRestartsOptions": ("keras/optimizers/schedules/cosine_decay_restarts.h", keras.optimizers.schedules.CosineDecayRestarts),
    "PiecewiseConstantDecayOptions": ("keras/optimizers/schedules/piecewise_constant_decay.h", keras.optimizers.schedules.PiecewiseConstantDecay),
    "EarlyStoppingOptions": ("keras/callbacks/early_stopping.h", keras.callbacks.EarlyStopping),
    "ModelCheckpointOptions": ("keras/callbacks/model_checkpoint.h", keras.callbacks.ModelCheckpoint),
    "ReduceLROnPlateauOptions": ("keras/callbacks/reduce_lr_on_plateau.h", keras.callbacks.ReduceLROnPlateau),
    "BackupAndRestoreOptions": ("keras/callbacks/backup_and_restore.h", keras.callbacks.BackupAndRestore),
    "TensorBoardOptions": ("keras/callbacks/tensorboard.h", keras.callbacks.TensorBoard),
    "LambdaCallbackOptions": ("keras/callbacks/lambda_callback.h", keras.callbacks.LambdaCallback),
    "ProgbarOptions": ("keras/progbar.h", keras.utils.Progbar),
    "AUCOptions": ("keras/metrics.h", keras.metrics.AUC),
    "FBetaOptions": ("keras/metrics.h", keras.metrics.FBetaScore),
    "CrossentropyOptions": ("keras/losses.h", keras.losses.CategoricalCrossentropy,
                            keras.losses.BinaryCrossentropy),
    "ConfusionOptions": ("keras/metrics.h", keras.metrics.Precision, keras.metrics.Recall),
    "OnBatchOptions": ("keras/model.h", keras.Model.train_on_batch),
    "GainOptions": ("keras/initializers.h", keras.initializers.Orthogonal),
    "SeedOptions": ("keras/initializers.h", keras.initializers.GlorotUniform),
    "ProgbarLoggerOptions": ("keras/callbacks/progbar_logger.h", keras.callbacks.ProgbarLogger),
    "CompileOptions": ("keras/model.h", keras.Model.compile),
    "FitOptions": ("keras/model.h", keras.Model.fit),
    "EvaluateOptions": ("keras/model.h", keras.Model.evaluate),
    "PredictOptions": ("keras/model.h", keras.Model.predict),
    "RandomNormalOptions": ("keras/initializers.h", keras.initializers.RandomNormal),
    "RandomUniformOptions": ("keras/initializers.h", keras.initializers.RandomUniform),
    "VarianceScalingOptions": ("keras/initializers.h", keras.initializers.VarianceScaling),
    "MobileNetV2Options": ("keras/applications/mobilenet_v2.h", keras.applications.MobileNetV2),
    "ApplicationOptions": ("keras/applications/common.h", keras.applications.ResNet50),
}

FIELD = re.compile(r"^\s*(?:[\w:<>,\s*&]+?)\s+(\w+(?:\s*=[^,;]*)?(?:\s*,\s*\w+\s*=[^,;]*)*)\s*;")


def struct_fields(text, struct):
    m = re.search(r"struct\s+%s\b[^{;]*\{" % struct, text)
    if not m:
        return None
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    body = text[m.end():i - 1]
    body = re.sub(r"//[^\n]*", "", body)
    body = re.sub(r"\{[^{}]*\}", "{}", body)  # brace initializers hold commas
    body = re.sub(r"\([^()]*\)", "()", body)
    fields = []
    for stmt in body.split(";"):
        stmt = stmt.strip()
        if not stmt or stmt.startswith(("using", "static", "friend")) or "(" in stmt.split("=")[0]:
            continue
        for decl in stmt.split(","):
            lhs = decl.split("=")[0].split("{")[0].strip()
            if lhs:
                fields.append(re.findall(r"\w+", lhs)[-1])
    return fields


failures = 0
for struct, (header, *fns) in sorted(TABLE.items()):
    text = open(os.path.join(root, header)).read()
    fields = struct_fields(text, struct)
    if fields is None:
        print(f"FAIL {struct}: not found in {header}")
        failures += 1
        continue
    for fn in fns:
        fn, ignored = fn if isinstance(fn, tuple) else (fn, set())
        params = list(inspect.signature(fn).parameters)
        shared = [f for f in fields if f in params and f not in ignored]
        keras_order = sorted(shared, key=params.index)
        if shared != keras_order:
            print(f"FAIL {struct} ({header}) against {fn.__qualname__}:\n"
                  f"     Kiln  {shared}\n     Keras {keras_order}")
            failures += 1
        else:
            print(f"ok   {struct}: {len(shared)} of {len(fields)} fields in {fn.__qualname__}'s order")
    if not any(("designated" in l.lower() or "Keras's argument order" in l)
               for l in text[:text.find("struct " + struct)].splitlines()[-4:]):
        print(f"FAIL {struct} ({header}): no comment above it stating the designated-initializer order rule")
        failures += 1
print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)
