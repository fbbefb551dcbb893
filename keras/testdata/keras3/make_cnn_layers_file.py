#!/usr/bin/python3
"""Writes cnn_layers.keras (a functional model using Keras's other image
and sequence layers: Conv1D with causal padding, the 1-D poolings,
LayerNormalization, ZeroPadding2D, Cropping2D, DepthwiseConv2D,
SeparableConv2D, Conv2DTranspose, UpSampling2D, AveragePooling2D,
GlobalMaxPooling2D, SpatialDropout2D and the merge layers) and
cnn_layers_expected.json (inputs and Keras's predictions) with real Keras 3
(numpy backend, with the shared lax_numpy_shim for convolution and
pooling). tensorgo's TestLoadKerasWrittenCNNLayers compares its
predictions for the same inputs with Keras's.

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH:/work/shared/formats/keras /usr/bin/python3 make_cnn_layers_file.py
"""
import json
import numpy as np
import keras
import lax_numpy_shim
import conv_transpose_shim

lax_numpy_shim.install()
conv_transpose_shim.install()
keras.utils.set_random_seed(7)
rng = np.random.RandomState(4)
L = keras.layers

# An image branch.
img = keras.Input((9, 9, 2), name="image")
a = L.ZeroPadding2D(((1, 0), (2, 1)))(img)
a = L.Cropping2D(((0, 1), (1, 1)))(a)
a = L.DepthwiseConv2D((3, 3), depth_multiplier=2, activation="tanh")(a)
a = L.SpatialDropout2D(0.3)(a)
b = L.SeparableConv2D(4, (3, 3), padding="same", depth_multiplier=2, activation="relu")(a)
b = L.Conv2DTranspose(4, (3, 3), strides=(2, 2), padding="same")(b)
b = L.AveragePooling2D(pool_size=(2, 2), strides=(2, 2), padding="same")(b)
c = L.Conv2D(4, (1, 1), activation="sigmoid")(a)
merged = [L.Subtract()([b, c]), L.Multiply()([b, c]), L.Average()([b, c]), L.Maximum()([b, c]), L.Minimum()([b, c])]
m2 = L.Concatenate()(merged)
m2 = L.UpSampling2D((2, 1))(m2)
g = L.GlobalMaxPooling2D()(m2)

# A sequence branch.
seq = keras.Input((12, 3), name="sequence")
s = L.Conv1D(5, 3, padding="causal", dilation_rate=2, activation="relu")(seq)
s = L.MaxPooling1D(2)(s)
s = L.Conv1D(6, 2, strides=1, padding="same")(s)
s = L.LayerNormalization(epsilon=1e-4)(s)
s1 = L.GlobalAveragePooling1D()(L.AveragePooling1D(2, padding="same")(s))
s2 = L.GlobalMaxPooling1D()(s)

out = L.Dense(3, activation="softmax")(L.Concatenate()([g, s1, s2]))
m = keras.Model([img, seq], out)
# Non-trivial biases and normalisation parameters, so that each variable's
# place in the file matters.
for l in m.layers:
    for w in l.weights:
        if len(w.shape) == 1:
            w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32") if "gamma" in w.path
                     else rng.normal(0, 0.2, w.shape).astype("float32"))
m.save("cnn_layers.keras")
x1 = rng.uniform(0, 1, (2, 9, 9, 2)).astype("float32")
x2 = rng.uniform(-1, 1, (2, 12, 3)).astype("float32")
y = m.predict([x1, x2], verbose=0)
with open("cnn_layers_expected.json", "w") as fh:
    json.dump({"keras_version": keras.__version__,
               "x_shapes": [list(x1.shape), list(x2.shape)], "xs": [x1.ravel().tolist(), x2.ravel().tolist()],
               "y": y.ravel().tolist(),
               "weights": [[l.name, [w.path for w in l.weights]] for l in m.layers]}, fh)
print("wrote cnn_layers.keras and cnn_layers_expected.json with Keras", keras.__version__)
