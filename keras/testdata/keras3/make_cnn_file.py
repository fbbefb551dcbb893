#!/usr/bin/python3
"""Writes cnn.keras (a small MNIST CNN: Conv2D, BatchNormalization,
Activation, MaxPooling2D, Dropout, Flatten, Dense) and cnn_expected.json
(inputs and Keras's predictions) with real Keras 3 (numpy backend, with the
shared lax_numpy_shim for convolution and pooling). tensorgo's
TestLoadKerasWrittenCNN compares its predictions with Keras's.

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH:/work/shared/formats/keras /usr/bin/python3 make_cnn_file.py
"""
import json
import numpy as np
import keras
import lax_numpy_shim

lax_numpy_shim.install()
keras.utils.set_random_seed(3)
rng = np.random.RandomState(1)
m = keras.Sequential([
    keras.Input((12, 12, 1)),
    keras.layers.Conv2D(4, (3, 3), padding="same"),
    keras.layers.BatchNormalization(),
    keras.layers.Activation("relu"),
    keras.layers.MaxPooling2D((2, 2), strides=2, padding="valid"),
    keras.layers.Dropout(0.2),
    keras.layers.Conv2D(6, (3, 3), strides=(1, 1), padding="valid", activation="relu"),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
# Non-trivial biases and normalisation statistics, so that each variable's
# place in the file matters.
for l in m.layers:
    for w in l.weights:
        if len(w.shape) == 1:
            w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32") if "variance" in w.path or "gamma" in w.path
                     else rng.normal(0, 0.2, w.shape).astype("float32"))
m.save("cnn.keras")
x = rng.uniform(0, 1, (2, 12, 12, 1)).astype("float32")
y = m.predict(x, verbose=0)
with open("cnn_expected.json", "w") as fh:
    json.dump({"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
               "y": y.ravel().tolist(),
               "weights": [[l.name, [w.path for w in l.weights]] for l in m.layers]}, fh)
print("wrote cnn.keras and cnn_expected.json with Keras", keras.__version__)
