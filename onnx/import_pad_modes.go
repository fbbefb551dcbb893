package onnx

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Import of Pad's edge and reflect modes. Each padded axis becomes one
// Gather of x along it by constant indices: for edge, the index clamped
// into [0, size); for reflect, mirrored about the first and last cells
// without repeating them (ONNX's and NumPy's "reflect"). Gather's
// gradient makes the result trainable like any other.

// padIndices returns the source index of every cell of an axis of size
// cells padded by before and after cells in mode ("edge" or "reflect").
func padIndices(size, before, after int, mode string) []int32 {
	idx := make([]int32, size+before+after)
	for i := range idx {
		j := i - before
		if mode == "edge" {
			j = min(max(j, 0), size-1)
		} else {
			for j < 0 || j >= size {
				if j < 0 {
					j = -j
				} else {
					j = 2*(size-1) - j
				}
			}
		}
		idx[i] = int32(j)
	}
	return idx
}

// padByGather pads x by p (a (before, after) pair per axis) in mode.
func padByGather(c *importer, x *tf.Tensor, p [][2]int, mode string) ([]*tf.Tensor, error) {
	shape := x.Shape().Clone()
	for a, pa := range p {
		if pa[0] == 0 && pa[1] == 0 {
			continue
		}
		size := shape[a]
		if size < 1 {
			return nil, fmt.Errorf("%s padding of axis %d needs its size known and positive, got shape %v", mode, a, x.Shape())
		}
		if mode == "reflect" && (pa[0] > size-1 || pa[1] > size-1) {
			return nil, fmt.Errorf("reflect padding of axis %d (size %d) by %v: want at most size − 1 on each side", a, size, pa)
		}
		shape[a] = size + pa[0] + pa[1]
	}
	if e := elems(shape); e > c.maxElems {
		return nil, fmt.Errorf("the result of shape %v has %d elements, over the limit of %d", shape, e, c.maxElems)
	}
	y := x
	for a, pa := range p {
		if pa[0] == 0 && pa[1] == 0 {
			continue
		}
		idx := padIndices(x.Shape()[a], pa[0], pa[1], mode)
		y = tf.Gather(y, tf.Const(c.g, tensor.FromSlice(idx)), a)
	}
	return one(y), nil
}
