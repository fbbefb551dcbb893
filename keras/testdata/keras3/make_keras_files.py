#!/usr/bin/python3
"""Writes the Keras-3-made test files of tensorgo's keras package (.keras model
files, a .weights.h5 file) and expected.json (inputs and Keras's predictions).
Run from this directory with real Keras 3 (3.16.0, numpy backend):

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH /usr/bin/python3 make_keras_files.py
"""
import json
import numpy as np
import keras

keras.utils.set_random_seed(7)
rng = np.random.RandomState(0)

# 1. The course's MNIST MLP (smaller hidden layer), compiled, with non-zero
# optimizer state so that restoring it is checked.
mlp = keras.Sequential([
    keras.Input((28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(10, activation="softmax"),
])
mlp.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002),
            loss="sparse_categorical_crossentropy", metrics=["accuracy"])
mlp.optimizer.build(mlp.trainable_variables)
for i, v in enumerate(mlp.optimizer.variables):
    if i == 0:
        v.assign(7)
    elif i > 1:
        v.assign(rng.uniform(0, 0.01, v.shape).astype("float32"))
# Non-zero biases, so that a bias loaded into the wrong place shows.
for l in mlp.layers:
    if l.weights:
        l.weights[1].assign(rng.normal(0, 0.1, l.weights[1].shape).astype("float32"))
mlp.save("mlp.keras")
mlp.save_weights("mlp.weights.h5")
x_mlp = rng.uniform(0, 1, (3, 28, 28)).astype("float32")
y_mlp = mlp.predict(x_mlp, verbose=0)

# 2. A functional model with several kinds of layers: two Dense on one
# input (one without bias), Add, Concatenate, Reshape, Flatten, Dense,
# Activation, and a Dense shared by two branches. (No Dropout: tensorgo's
# functional tracing cannot yet record a layer that returns its input.)
x = keras.Input((4,), name="x")
a = keras.layers.Dense(6, activation="tanh")(x)
b = keras.layers.Dense(6, use_bias=False)(x)
s = keras.layers.Add()([a, b])
shared = keras.layers.Dense(6, activation="relu", name="shared")
s1, s2 = shared(s), shared(a)
c = keras.layers.Concatenate()([s1, s2, x])
r = keras.layers.Reshape((4, 4))(c)
f = keras.layers.Flatten()(r)
o = keras.layers.Activation("sigmoid")(keras.layers.Dense(3)(f))
fn = keras.Model(x, o)
for l in fn.layers:
    if len(l.weights) == 2:
        l.weights[1].assign(rng.normal(0, 0.1, l.weights[1].shape).astype("float32"))
fn.save("layers.keras")
x_fn = rng.normal(0, 1, (5, 4)).astype("float32")
y_fn = fn.predict(x_fn, verbose=0)

with open("expected.json", "w") as fh:
    json.dump({
        "keras_version": keras.__version__,
        "mlp": {"x_shape": list(x_mlp.shape), "x": x_mlp.ravel().tolist(), "y": y_mlp.ravel().tolist(),
                "optimizer_iterations": 7, "learning_rate": 0.002},
        "layers": {"x_shape": list(x_fn.shape), "x": x_fn.ravel().tolist(), "y": y_fn.ravel().tolist()},
    }, fh)
print("wrote mlp.keras, mlp.weights.h5, layers.keras, expected.json with Keras", keras.__version__)
