#!/usr/bin/python3
"""Loads a .keras file with real Keras 3 and prints what tensorgo's interop
test compares, as JSON: the predictions for the inputs in INPUT.json
({"x_shape": [...], "x": [...]}, or {"x_shapes": [...], "xs": [...]} for
several inputs), the layers, the compile config and the
optimizer's iteration count.

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH /usr/bin/python3 keras_predict.py MODEL.keras INPUT.json

For models with convolutions, put the directory of lax_numpy_shim.py on
KERAS_PYTHONPATH too (KERAS_PYTHONPATH=/tmp/verify/keras/src:/work/shared/formats/keras).

With a weights file (MODEL.weights.h5) instead, it builds the course's MNIST
MLP (Input((28, 28)), Flatten, Dense(128, relu), Dropout(0.2), Dense(10,
softmax)) and loads the weights into it with load_weights.
"""
import json
import sys

import numpy as np
import keras

try:
    # Convolution and pooling under the numpy backend need the shared shim
    # (/work/shared/formats/keras on PYTHONPATH); models without them do not.
    import lax_numpy_shim
    import conv_transpose_shim  # beside this script
    lax_numpy_shim.install()
    conv_transpose_shim.install()
except ImportError:
    pass

if sys.argv[1].endswith(".weights.h5"):
    m = keras.Sequential([
        keras.Input((28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(10, activation="softmax"),
    ])
    m.load_weights(sys.argv[1])
else:
    m = keras.saving.load_model(sys.argv[1])  # compile=True, safe_mode=True
with open(sys.argv[2]) as fh:
    inp = json.load(fh)
if "xs" in inp:  # a model of several inputs
    x = [np.asarray(v, np.float32).reshape(s) for v, s in zip(inp["xs"], inp["x_shapes"])]
else:
    x = np.asarray(inp["x"], np.float32).reshape(inp["x_shape"])
y = m.predict(x, verbose=0)
opt = getattr(m, "optimizer", None)
print(json.dumps({
    "keras_version": keras.__version__,
    "layers": [[l.name, l.__class__.__name__, [list(w.shape) for w in l.weights]] for l in m.layers],
    "y": np.asarray(y).ravel().tolist(),
    "optimizer": None if opt is None else opt.__class__.__name__,
    "learning_rate": None if opt is None else float(opt.learning_rate),
    "iterations": None if opt is None else int(opt.iterations),
    "loss": None if not m.compiled else m.loss,
}))
