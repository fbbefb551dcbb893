#!/usr/bin/python3
"""Writes the ONNX test models with Debian's python3-onnx (1.12):

    cd onnx/testdata && /usr/bin/python3 make_testdata.py

mlp.onnx: Gemm -> Relu -> Softmax with a symbolic batch dimension; its
weights also go to mlp.weights.json so the Go test can check every value.
conv.onnx: Conv (pads, strides) -> BatchNormalization -> MaxPool, with
int64 and float attributes of every kind the decoder reads.
"""
import json
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper

rng = np.random.default_rng(0)
W = rng.standard_normal((4, 3)).astype(np.float32)
b = rng.standard_normal(3).astype(np.float32)
g = helper.make_graph(
    [helper.make_node("Gemm", ["x", "W", "b"], ["h"], alpha=1.0, beta=1.0),
     helper.make_node("Relu", ["h"], ["r"]),
     helper.make_node("Softmax", ["r"], ["y"], axis=-1)],
    "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
    initializer=[numpy_helper.from_array(W, "W"), numpy_helper.from_array(b, "b")])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_testdata")
m.ir_version = 8
onnx.checker.check_model(m, full_check=True)
onnx.save(m, "mlp.onnx")
json.dump({"W": W.ravel().tolist(), "b": b.ravel().tolist()}, open("mlp.weights.json", "w"))

K = rng.standard_normal((2, 1, 3, 3)).astype(np.float32)
scale, bias = np.ones(2, np.float32), np.zeros(2, np.float32)
mean, var = np.zeros(2, np.float32), np.ones(2, np.float32)
shape = helper.make_tensor("shape", TensorProto.INT64, [2], [1, -1])
g = helper.make_graph(
    [helper.make_node("Conv", ["x", "K"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
     helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["n"], epsilon=1e-3),
     helper.make_node("MaxPool", ["n"], ["p"], kernel_shape=[2, 2], strides=[2, 2], auto_pad="NOTSET"),
     helper.make_node("Constant", [], ["s"], value=shape),
     helper.make_node("Reshape", ["p", "s"], ["y"])],
    "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])],
    initializer=[numpy_helper.from_array(a, n) for a, n in
                 [(K, "K"), (scale, "scale"), (bias, "bias"), (mean, "mean"), (var, "var")]])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="make_testdata")
m.ir_version = 8
onnx.checker.check_model(m, full_check=True)
onnx.save(m, "conv.onnx")
print("wrote mlp.onnx, mlp.weights.json, conv.onnx")
