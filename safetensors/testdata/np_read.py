#!/usr/bin/python3
"""Read a .safetensors file with json + numpy, independently of the Go code,
and print its tensors as JSON (floats as float.hex(), integers and bools as
decimal strings). Used by interop_test.go:  /usr/bin/python3 np_read.py FILE"""
import json
import struct
import sys

import numpy as np

NP = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "I32": "<i4", "U8": "u1", "BOOL": "?"}
buf = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", buf[:8])
hdr = json.loads(buf[8:8 + n].decode("utf-8"))
data = buf[8 + n:]
out = {"metadata": hdr.pop("__metadata__", None), "tensors": {}}
for name, info in hdr.items():
    b, e = info["data_offsets"]
    a = np.frombuffer(data[b:e], dtype=NP[info["dtype"]]).reshape(info["shape"])
    if a.dtype.kind == "f":
        vals = [float(x).hex() for x in a.flat]
    else:
        vals = [str(int(x)) for x in a.flat]
    out["tensors"][name] = {"dtype": str(a.dtype), "shape": list(a.shape), "values": vals}
print(json.dumps(out, ensure_ascii=False))
