#!/usr/bin/python3
"""Write the HDF5 test files read by the Go tests in internal/hdf5.

Made with Debian 12's python3-h5py 3.7.0 (HDF5 1.10.8):

    cd internal/hdf5/testdata && /usr/bin/python3 make_testdata.py

Files:
  basic_v0.h5      h5py's default libver: superblock v0, v1 object headers,
                   symbol-table groups (v1 B-tree + local heap).
  basic_latest.h5  the same content with libver="latest": superblock v3,
                   v2 object headers, link messages.
  keras_weights.h5 laid out the way Keras 3 writes model.weights.h5 for
                   Sequential([Input((4,)), Dense(3), Dense(2)]) compiled with Adam.
  chunked.h5       chunked datasets, plain and gzip-compressed.
  chunked_latest.h5 the same with libver="latest" (data layout version 4:
                   fixed-array and single-chunk indexes), plus a 2100-chunk
                   dataset (a fixed array in pages of 1024).
  bigendian.h5     big-endian datasets and attributes, after a 512-byte user block.
  dense_links.h5   libver="latest" root group stored densely (a fractal heap
                   indexed by a version 2 B-tree): 20 datasets, 13 attributes.
  many_links.h5    libver="latest" group with 1500 hard links to one dataset
                   (a B-tree of depth 2, an indirect heap block).
"""
import h5py
import numpy as np


def fill_basic(f):
    f.attrs["title"] = "tensorgo test"                    # variable-length UTF-8 str
    f.attrs["fixed"] = np.bytes_(b"abc")                  # fixed-length S3
    f.attrs["count"] = np.int64(42)
    f.attrs["ratio"] = np.float64(0.25)
    f.attrs["i32s"] = np.array([1, -2, 3], np.int32)
    f.attrs["f32s"] = np.array([[0.5, 1.5], [2.5, -3.5]], np.float32)
    f.attrs["names"] = ["alpha", "beta", "gamma"]         # array of vlen strs
    g = f.create_group("a/b/c")
    g.attrs["depth"] = np.int32(3)
    f.create_dataset("a/f32", data=np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8)
    f.create_dataset("a/f64", data=np.array([1.0, -2.5, 1e300, np.pi]))
    f.create_dataset("a/b/i32", data=np.array([[1, -2], [3, 2147483647]], np.int32))
    f.create_dataset("a/b/i64", data=np.array([-(2 ** 62), 5], np.int64))
    f.create_dataset("a/b/c/u8", data=np.array([0, 1, 255], np.uint8))
    f.create_dataset("f16", data=np.array([1.0, -0.5, 65504, 0.000061035156], np.float16))
    f.create_dataset("scalar", data=np.float32(7.5))
    f.create_dataset("empty", data=np.zeros((0, 3), np.float32))
    f["a/f32"].attrs["unit"] = "m"


with h5py.File("basic_v0.h5", "w") as f:
    fill_basic(f)
with h5py.File("basic_latest.h5", "w", libver="latest") as f:
    fill_basic(f)

# Keras 3 layout (saving_lib.H5IOStore): one group per object path, a "vars"
# group holding datasets "0", "1", ... in layer.weights order.
# Values: kernel[i, j] = (i*n_out + j + 1) / 8 * (-1)**j, bias[j] = -(j + 1) / 4.
with h5py.File("keras_weights.h5", "w") as f:
    v = f.create_group("vars")
    v.attrs["name"] = "sequential"
    for name, (n_in, n_out) in [("dense", (4, 3)), ("dense_1", (3, 2))]:
        g = f.create_group(f"layers/{name}/vars")
        g.attrs["name"] = name
        k = (np.arange(n_in * n_out).reshape(n_in, n_out) + 1) / 8 * (-1.0) ** np.arange(n_out)
        g.create_dataset("0", data=k.astype(np.float32))
        g.create_dataset("1", data=(-(np.arange(n_out) + 1) / 4).astype(np.float32))
    o = f.create_group("optimizer/vars")
    o.attrs["name"] = "adam"
    o.create_dataset("0", data=np.int64(10))
    o.create_dataset("1", data=np.float32(0.001))

for name, lv in [("chunked.h5", "earliest"), ("chunked_latest.h5", "latest")]:
  with h5py.File(name, "w", libver=lv) as f:
    a = np.arange(60, dtype=np.float32).reshape(6, 10) - 20
    f.create_dataset("plain", data=a, chunks=(4, 4))
    f.create_dataset("gzip", data=a, chunks=(3, 5), compression="gzip", compression_opts=6)
    f.create_dataset("shuffle", data=np.arange(100, dtype=np.int64), chunks=(16,),
                     compression="gzip", shuffle=True)
    if lv == "latest":
        f.create_dataset("single", data=a, chunks=(6, 10))
        f.create_dataset("single_gzip", data=a, chunks=(6, 10), compression="gzip")
        f.create_dataset("paged", data=(np.arange(2100) % 251).astype(np.uint8), chunks=(1,))

with h5py.File("dense_links.h5", "w", libver="latest") as f:
    for i in range(20):
        f.create_dataset(f"d{i:02d}", data=np.array([i], np.int32))
    for i in range(12):
        f.attrs[f"a{i:02d}"] = np.int64(i * i)
    f.attrs["s"] = "dense string"

with h5py.File("many_links.h5", "w", libver="latest") as f:
    m = f.create_group("many")
    m.create_dataset("target", data=np.array([2.5, -1], np.float64))
    for i in range(1500):
        m[f"link{i:04d}"] = m["target"]

with h5py.File("bigendian.h5", "w", userblock_size=512) as f:
    f.create_dataset("i32", data=np.array([1, -2, 70000], ">i4"))
    f.create_dataset("f64", data=np.array([[0.5, -1.5]], ">f8"))
    f.attrs["u16"] = np.array([1, 513], ">u2")
