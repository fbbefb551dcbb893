#!/usr/bin/python3
"""Writes rnn_wrappers.keras (a model using Masking, Bidirectional with and
without a backward_layer, TimeDistributed, RepeatVector and the generic RNN
over LSTMCell, GRUCell and SimpleRNNCell) and rnn_wrappers_expected.json
(inputs, with masked steps, and Keras's predictions) with real Keras 3
(numpy backend). tensorgo's TestLoadKerasWrittenRNNWrappers compares its
predictions for the same inputs with Keras's.

  KERAS_BACKEND=numpy PYTHONPATH=$KERAS_PYTHONPATH /usr/bin/python3 make_rnn_wrappers_file.py
"""
import json
import numpy as np
import keras

keras.utils.set_random_seed(11)
rng = np.random.RandomState(5)
L = keras.layers

# A Sequential model: Keras 3.16 writes a functional model's mask
# computation (Masking's not_equal and any) as operations of its graph.
m = keras.Sequential([
    keras.Input((6, 3)),
    L.Masking(mask_value=0.0),
    L.Bidirectional(L.LSTM(3)),                                # the mask ends here
    L.RepeatVector(4),
    L.TimeDistributed(L.Dense(5, activation="tanh")),
    L.Bidirectional(L.GRU(2, return_sequences=True), merge_mode="sum",
                    backward_layer=L.GRU(2, return_sequences=True, go_backwards=True, activation="relu")),
    L.Bidirectional(L.RNN(L.SimpleRNNCell(2), return_sequences=True), merge_mode="ave"),
    L.RNN(L.LSTMCell(3, unit_forget_bias=False), return_sequences=True),
    L.RNN(L.GRUCell(2, reset_after=False), go_backwards=True),
    L.Dense(2),
])
# Non-trivial biases, so that each variable's place in the file matters.
for l in m.layers:
    for w in l.weights:
        if "bias" in w.path:
            w.assign(rng.normal(0, 0.3, w.shape).astype("float32"))
m.save("rnn_wrappers.keras")
x = rng.uniform(-1, 1, (3, 6, 3)).astype("float32")
x[0, 4:] = 0   # padding at the end
x[1, :2] = 0   # padding at the start
x[2, 3] = 0    # a hole in the middle
y = m.predict(x, verbose=0)
with open("rnn_wrappers_expected.json", "w") as fh:
    json.dump({"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
               "y": np.asarray(y).ravel().tolist(),
               "weights": sorted(w.path for w in m.weights)}, fh)
print(keras.__version__, y.ravel().tolist())
