#!/usr/bin/python3
"""Write keras_real.weights.h5 with real Keras 3 (model.save_weights), or,
given a file, load it into the same model and print its weights as JSON.

Keras 3 is not packaged for Debian 12; it was run from a source snapshot
(keras 3.16.0, numpy backend) set up by /work/shared/formats/keras/setup_keras.sh:

    KERAS_BACKEND=numpy PYTHONPATH=$VERIFY_DIR/keras/src /usr/bin/python3 keras_real.py
    KERAS_BACKEND=numpy PYTHONPATH=$VERIFY_DIR/keras/src /usr/bin/python3 keras_real.py FILE

The model is Sequential([Input((4,)), Dense(3), Dense(2)]) with
kernel[i, j] = (i*n_out + j + 1) / 8 * (-1)**j and bias[j] = -(j + 1) / 4.
"""
import json
import sys

import keras
import numpy as np


def model():
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    return m


if len(sys.argv) == 1:
    m = model()
    ws = []
    for n_in, n_out in [(4, 3), (3, 2)]:
        k = (np.arange(n_in * n_out).reshape(n_in, n_out) + 1) / 8 * (-1.0) ** np.arange(n_out)
        ws += [k.astype(np.float32), (-(np.arange(n_out) + 1) / 4).astype(np.float32)]
    m.set_weights(ws)
    m.save_weights("keras_real.weights.h5")
else:
    m = model()
    m.load_weights(sys.argv[1])
    print(json.dumps({w.path: {"shape": list(w.shape), "values": [float(x).hex() for x in np.asarray(w).flat]}
                      for w in m.weights}))
