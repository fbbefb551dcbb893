package keras

import (
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// split holds out the last rows of a for validation, as Keras's
// train_validation_split: the first floor(n * (1 - frac)) rows train, the
// rest (with their sample weights) validate.
func split(a *arrays, frac float64) (train, val *arrays, err error) {
	if frac <= 0 {
		return a, nil, nil
	}
	if frac >= 1 {
		return nil, nil, fmt.Errorf("keras: ValidationSplit must be in [0, 1), got %v", frac)
	}
	nt := int(math.Floor(float64(a.n) * (1 - frac)))
	if nt <= 0 || nt >= a.n {
		// Keras's message.
		return nil, nil, fmt.Errorf("keras: ValidationSplit: the training data has %d samples, which is not sufficient to split it into a validation and training set as specified by ValidationSplit(%v) (%d would train and %d validate); provide more data or a different ValidationSplit", a.n, frac, max(nt, 0), a.n-max(nt, 0))
	}
	cut := func(ts []*tensor.Tensor, lo, hi int) []*tensor.Tensor {
		var out []*tensor.Tensor
		for _, t := range ts {
			out = append(out, sliceRows(t, lo, hi))
		}
		return out
	}
	train = &arrays{xs: cut(a.xs, 0, nt), ys: cut(a.ys, 0, nt), n: nt}
	val = &arrays{xs: cut(a.xs, nt, a.n), ys: cut(a.ys, nt, a.n), n: a.n - nt}
	if a.sw != nil { // Keras splits the sample weights too
		train.sw, val.sw = sliceRows(a.sw, 0, nt), sliceRows(a.sw, nt, a.n)
	}
	return train, val, nil
}

// sliceRows copies rows [lo, hi) of t.
func sliceRows(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	begin, size := make([]int, t.Rank()), make([]int, t.Rank())
	for i := range size {
		size[i] = -1
	}
	begin[0], size[0] = lo, hi-lo
	return tensor.Slice(t, begin, size)
}
