#!/usr/bin/python3
"""Write the safetensors test files read by the Go tests, laid out by the
format's rules: tensors sorted by (dtype size descending, name), the JSON
header padded with spaces to a multiple of 8. The reference Python package is not packaged for Debian 12,
so this uses json + numpy (python3-numpy):

    cd safetensors/testdata && /usr/bin/python3 make_testdata.py

Every file was then checked with the reference Rust crate (safetensors
v0.5.3's SafeTensors::deserialize, built offline as st_check; see
/work/shared/formats/REPORT.md section 3):  st_check FILE  ->  OK

(reference_written.safetensors, beside this script, was written by the
reference crate itself: see st_write/main.rs.)

Files:
  tiny.safetensors      F32 kernel and bias, an I64 scalar, an empty [0,3]
                        F32, and __metadata__.
  alltypes.safetensors  one tensor of each of F64 I64 F32 I32 F16 BF16 I16
                        I8 U8 BOOL.
"""
import json
import struct

import numpy as np

DT = {"float64": "F64", "int64": "I64", "float32": "F32", "int32": "I32", "float16": "F16",
      "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}


def save(path, tensors, metadata=None):
    """tensors: name -> (dtype name, numpy array holding the bytes)."""
    hdr, blobs, off = {}, [], 0
    if metadata:
        hdr["__metadata__"] = metadata
    items = sorted(tensors.items(), key=lambda kv: (-kv[1][1].dtype.itemsize, kv[0]))
    for name, (dt, a) in items:
        b = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()
        hdr[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(hdr, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        f.writelines(blobs)


def t(a):
    return (DT[str(a.dtype)], a)


save("tiny.safetensors",
     {"dense.kernel": t(np.arange(12, dtype=np.float32).reshape(4, 3) / 10),
      "dense.bias": t(np.array([0.5, -0.5, 1.0], np.float32)),
      "step": t(np.array(7, np.int64)),
      "empty": t(np.zeros((0, 3), np.float32))},
     metadata={"format": "pt", "framework": "go-test"})

# bf16 has no numpy dtype: its bits are the top half of the float32 bits.
bf16 = (np.array([1.0, -2.0, 0.15625], np.float32).view(np.uint32) >> 16).astype(np.uint16)
save("alltypes.safetensors",
     {"f64": t(np.array([1.5, -2.25], np.float64)),
      "i64": t(np.array([[-(2 ** 40)], [3]], np.int64)),
      "f32": t(np.array([0.25, -8.0, 1e-3], np.float32)),
      "i32": t(np.array([-7, 2 ** 31 - 1], np.int32)),
      "f16": t(np.array([1.0, -0.5], np.float16)),
      "bf16": ("BF16", bf16),
      "i16": t(np.array([-300, 300], np.int16)),
      "i8": t(np.array([-128, 127], np.int8)),
      "u8": t(np.array([[0, 200], [255, 1]], np.uint8)),
      "bool": t(np.array([True, False, True]))})
