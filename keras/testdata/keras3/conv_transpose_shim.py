"""A numpy stand-in for jax.lax.conv_transpose, which Keras 3's numpy
backend calls for Conv2DTranspose and lax_numpy_shim lacks.

It follows jax's definition: the input is dilated by the strides (stride −
1 zeros between neighbours), padded with the given (low, high) pairs and
convolved at stride 1 with the kernel, whose spatial axes are flipped and
input / output channels swapped when transpose_kernel is set (Keras's
(kh, kw, filters, in) kernel). Channels-last layouts only; sums in
float64, rounded once to the input's dtype.

install() adds it to lax_numpy_shim's jax.lax (call lax_numpy_shim.install()
too)."""
import itertools

import numpy as np


def conv_transpose(lhs, rhs, strides, padding, rhs_dilation=None, dimension_numbers=None,
                   transpose_kernel=False, precision=None, preferred_element_type=None):
    x = np.asarray(lhs)
    w = np.asarray(rhs).astype(np.float64)
    nsp = x.ndim - 2
    if dimension_numbers is not None:
        lhs_spec, rhs_spec, out_spec = dimension_numbers
        want = ((0, nsp + 1) + tuple(range(1, nsp + 1)), (nsp + 1, nsp) + tuple(range(nsp)))
        if tuple(lhs_spec) != want[0] or tuple(rhs_spec) != want[1] or tuple(out_spec) != want[0]:
            raise NotImplementedError("conv_transpose shim: channels-last layouts only, got %r" % (dimension_numbers,))
    if isinstance(padding, str):
        raise NotImplementedError("conv_transpose shim: explicit padding only")
    strides = tuple(strides)
    dil = tuple(rhs_dilation) if rhs_dilation is not None else (1,) * nsp
    if transpose_kernel:
        w = np.flip(w, axis=tuple(range(nsp))).swapaxes(-1, -2)
    # Dilate the input by the strides, then pad it.
    n, cin = x.shape[0], x.shape[-1]
    xd = np.zeros([n] + [(s - 1) * st + 1 for s, st in zip(x.shape[1:-1], strides)] + [cin], np.float64)
    xd[(slice(None),) + tuple(slice(None, None, st) for st in strides) + (slice(None),)] = x
    for i, (lo, hi) in enumerate(padding):
        ax = 1 + i
        if lo < 0:
            xd = np.take(xd, range(-lo, xd.shape[ax]), axis=ax)
            lo = 0
        if hi < 0:
            xd = np.take(xd, range(0, xd.shape[ax] + hi), axis=ax)
            hi = 0
        pads = [(0, 0)] * xd.ndim
        pads[ax] = (lo, hi)
        xd = np.pad(xd, pads)
    ksz = w.shape[:nsp]
    eff = [(k - 1) * d + 1 for k, d in zip(ksz, dil)]
    out_sp = [xd.shape[1 + i] - eff[i] + 1 for i in range(nsp)]
    assert w.shape[-2] == cin, (w.shape, cin)
    out = np.zeros([n] + out_sp + [w.shape[-1]], np.float64)
    for off in itertools.product(*[range(k) for k in ksz]):
        sl = tuple(slice(off[i] * dil[i], off[i] * dil[i] + out_sp[i]) for i in range(nsp))
        out += xd[(slice(None),) + sl + (slice(None),)] @ w[off]
    return out.astype(np.result_type(np.asarray(lhs).dtype, np.asarray(rhs).dtype))


def install():
    import lax_numpy_shim
    lax_numpy_shim.lax.conv_transpose = conv_transpose
