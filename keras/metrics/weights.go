package metrics

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// values is a reusable buffer of metric values with their shape.
type values struct {
	v      []float64
	shape  []int
	ta, tb []int // scratch shapes
}

// pairShapes is squeezeOrExpandShapes on copies of a and b kept in s.
func (s *values) pairShapes(a, b []int) ([]int, []int) {
	s.ta = append(s.ta[:0], a...)
	s.tb = append(s.tb[:0], b...)
	s.ta, s.tb = squeezeOrExpandShapes(s.ta, s.tb)
	return s.ta, s.tb
}

// set sizes the buffer for shape and returns it.
func (s *values) set(shape []int) []float64 {
	s.shape = append(s.shape[:0], shape...)
	n := 1
	for _, d := range shape {
		n *= d
	}
	if cap(s.v) < n {
		s.v = make([]float64, n)
	}
	s.v = s.v[:n]
	return s.v
}

// weighting reduces values and sample weights to per-sample sums as Keras's
// reduce_to_samplewise_values followed by Mean.update_state: it returns
// the weighted total and the weight count to add. Weights are nil (all
// ones), a scalar, or shaped like the values up to Keras's
// squeeze-or-expand rule: (batch,), (batch, 1) or per element (batch, d1,
// ...). Values beyond the weights' rank are averaged first.
type weighting struct {
	vs, ws []int // scratch shapes
}

func prod(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// squeezeOrExpandShapes is Keras's squeeze_or_expand_to_same_rank on
// shapes (expand_rank_1 true); squeezing or expanding a size-1 axis leaves
// the row-major data as it is. It may append to a or b: pass copies.
func squeezeOrExpandShapes(a, b []int) ([]int, []int) {
	if len(a) == len(b)+1 && a[len(a)-1] == 1 {
		if len(b) == 1 {
			b = append(b, 1)
		} else {
			a = a[:len(a)-1]
		}
	}
	if len(b) == len(a)+1 && b[len(b)-1] == 1 {
		if len(a) == 1 {
			a = append(a, 1)
		} else {
			b = b[:len(b)-1]
		}
	}
	return a, b
}

func (w *weighting) reduce(v []float64, shape []int, sw *tensor.Tensor) (total, count float64, err error) {
	if sw == nil {
		if len(shape) == 0 {
			return v[0], 1, nil
		}
		var s float64
		for _, x := range v {
			s += x
		}
		b := shape[0]
		if b == 0 {
			return 0, 0, nil
		}
		return s / float64(len(v)/b), float64(b), nil
	}
	vs, ws := squeezeOrExpandShapes(append(w.vs[:0], shape...), append(w.ws[:0], sw.Shape()...))
	w.vs, w.ws = vs, ws
	if len(vs) > len(ws) {
		// Average the values over the axes the weights lack.
		inner := prod(vs[len(ws):])
		outer := len(v) / max(inner, 1)
		for i := 0; i < outer; i++ {
			var s float64
			for _, x := range v[i*inner : i*inner+inner] {
				s += x
			}
			v[i] = s / float64(inner)
		}
		v = v[:outer]
		vs = vs[:len(ws)]
	}
	if len(ws) > len(vs) {
		return 0, 0, fmt.Errorf("sample weights of shape %v do not fit values of shape %v", sw.Shape(), shape)
	}
	for d := range ws {
		if ws[d] != vs[d] && ws[d] != 1 {
			return 0, 0, fmt.Errorf("sample weights of shape %v do not broadcast to values of shape %v", sw.Shape(), shape)
		}
	}
	if len(vs) == 0 {
		x := sw.Float(0)
		return v[0] * x, x, nil
	}
	per := float64(prod(vs[1:]))
	same := true
	for d := range ws {
		same = same && ws[d] == vs[d]
	}
	for i, x := range v {
		j := i
		if !same {
			j = broadcastIndex(i, vs, ws)
		}
		wt := sw.Float(j)
		total += x * wt
		count += wt
	}
	return total / per, count / per, nil
}

// broadcastIndex maps flat index i of shape vs to the flat index of the
// same element in ws (equal rank, each dimension equal or 1).
func broadcastIndex(i int, vs, ws []int) int {
	j, stride := 0, 1
	for d := len(vs) - 1; d >= 0; d-- {
		c := i % vs[d]
		i /= vs[d]
		if ws[d] != 1 {
			j += c * stride
		}
		stride *= ws[d]
	}
	return j
}
