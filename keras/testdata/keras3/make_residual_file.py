#!/usr/bin/python3
"""Writes residual.keras (a small functional CNN with BatchNormalization
and a residual Add, and most of Keras's other image layers) and
residual_expected.json (inputs and Keras's predictions) with real Keras 3
(numpy backend, with the shared lax_numpy_shim for convolution and
pooling). tensorgo's TestLoadKerasWrittenResidual compares its predictions
for the same inputs with Keras's.

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH:/work/shared/formats/keras /usr/bin/python3 make_residual_file.py
"""
import json
import numpy as np
import keras
import lax_numpy_shim

lax_numpy_shim.install()
keras.utils.set_random_seed(5)
rng = np.random.RandomState(2)
L = keras.layers
inp = keras.Input((10, 10, 3))
x = L.Rescaling(0.5, offset=-0.25)(inp)
x = L.Conv2D(8, 3, padding="same", use_bias=False)(x)
x = L.BatchNormalization()(x)
x = L.Activation("relu")(x)
# The residual block: conv, BN, relu, conv, BN, plus the block's input.
y = L.Conv2D(8, (3, 3), padding="same")(x)
y = L.BatchNormalization(momentum=0.9, epsilon=1e-5)(y)
y = L.Activation("relu")(y)
y = L.Conv2D(8, (3, 3), padding="same")(y)
y = L.BatchNormalization(center=False)(y)
x = L.Add()([x, y])
x = L.Activation("relu")(x)
x = L.MaxPooling2D(pool_size=(2, 2))(x)
g = L.GlobalAveragePooling2D()(x)
out = L.Dense(4, activation="softmax")(g)
m = keras.Model(inp, out)
# Non-trivial biases and normalisation statistics, so that each variable's
# place in the file matters.
for l in m.layers:
    for w in l.weights:
        if len(w.shape) == 1:
            w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32") if "variance" in w.path or "gamma" in w.path
                     else rng.normal(0, 0.2, w.shape).astype("float32"))
m.save("residual.keras")
x = rng.uniform(0, 1, (3, 10, 10, 3)).astype("float32")
y = m.predict(x, verbose=0)
with open("residual_expected.json", "w") as fh:
    json.dump({"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
               "y": y.ravel().tolist(),
               "weights": [[l.name, [w.path for w in l.weights]] for l in m.layers]}, fh)
print("wrote residual.keras and residual_expected.json with Keras", keras.__version__)
