#!/usr/bin/python3
"""Print every group, dataset and attribute of an HDF5 file as JSON, read
with h5py. Floats are written with float.hex() so no digit is lost.
Used by interop_test.go:  /usr/bin/python3 h5py_dump.py FILE"""
import json
import sys

import h5py
import numpy as np


def conv(v):
    if isinstance(v, bytes):
        return {"bytes": v.decode("latin-1")}
    if isinstance(v, str):
        return v
    a = np.asarray(v)
    if a.dtype.kind == "O":
        return [conv(x) for x in a.flat]
    if a.dtype.kind == "f":
        flat = [float(x).hex() for x in a.astype(np.float64).flat]
    else:
        flat = [int(x) for x in a.flat]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": flat}


out = {"groups": {}, "datasets": {}}
with h5py.File(sys.argv[1], "r") as f:
    def visit(name, obj):
        path = "/" + name
        attrs = {k: conv(obj.attrs[k]) for k in obj.attrs}
        if isinstance(obj, h5py.Dataset):
            d = conv(obj[()])
            d["attrs"] = attrs
            out["datasets"][path] = d
        else:
            out["groups"][path] = attrs
    out["groups"]["/"] = {k: conv(f.attrs[k]) for k in f.attrs}
    f.visititems(visit)
print(json.dumps(out, sort_keys=True, ensure_ascii=False))
