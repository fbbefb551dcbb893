package kernels

import (
	"fmt"
	"math"
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/tensor"
)

// SoftmaxXent computes, per row of logits (the last axis), the
// cross-entropy loss against labels (dense of the logits' shape, or sparse
// integer classes) and its gradient softmax - labels into back; rows are
// spread over the worker pool when there are many.
func SoftmaxXent(labels, logits, loss, back *tensor.Tensor, sparse bool) error {
	shape := logits.Shape()
	c := shape[len(shape)-1]
	rows := 0
	if c > 0 {
		rows = logits.Size() / c
	}
	if rows*c < 1<<15 {
		return xentRange(labels, logits, loss, back, c, 0, rows, sparse)
	}
	// Only the parallel path builds a closure (it escapes to the pool).
	var err error
	var errMu sync.Mutex
	parallel.For(rows, max(1, (1<<14)/max(c, 1)), func(lo, hi int) {
		if e := xentRange(labels, logits, loss, back, c, lo, hi, sparse); e != nil {
			errMu.Lock()
			err = e
			errMu.Unlock()
		}
	})
	return err
}

func xentRange(labels, logits, loss, back *tensor.Tensor, c, lo, hi int, sparse bool) error {
	switch z := logits.Data().(type) {
	case []float32:
		return xentRows(labels, z, loss.Float32s(), back.Float32s(), c, lo, hi, sparse)
	case []float64:
		return xentRows(labels, z, loss.Float64s(), back.Float64s(), c, lo, hi, sparse)
	}
	return fmt.Errorf("unsupported dtype %v", logits.DType())
}

func xentRows[T float32 | float64](labels *tensor.Tensor, z, loss, back []T, c, lo, hi int, sparse bool) error {
	var dense []T
	if !sparse {
		dense = tensor.Data[T](labels)
	}
	for r := lo; r < hi; r++ {
		row := z[r*c : (r+1)*c]
		b := back[r*c : (r+1)*c]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var s float64
		for j, v := range row {
			e := math.Exp(float64(v - m))
			b[j] = T(e)
			s += e
		}
		lse := float64(m) + math.Log(s)
		inv := T(1 / s)
		for j := range b {
			b[j] *= inv
		}
		if sparse {
			k := int(labels.Float(r))
			if k < 0 || k >= c {
				return fmt.Errorf("label %d of row %d is outside [0, %d)", k, r, c)
			}
			loss[r] = T(lse - float64(row[k]))
			b[k] -= 1
		} else {
			l := dense[r*c : (r+1)*c]
			var acc float64
			for j, v := range row {
				// 0*log(0) counts as 0, so that a logit masked with -Inf
				// under a zero label does not make the loss NaN.
				if l[j] != 0 {
					acc += float64(l[j]) * (lse - float64(v))
				}
				b[j] -= l[j]
			}
			loss[r] = T(acc)
		}
	}
	return nil
}
