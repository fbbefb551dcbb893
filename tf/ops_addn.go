package tf

import (
	"sync"

	"github.com/tensorgo/tensorgo/internal/parallel"
	"github.com/tensorgo/tensorgo/internal/vec"
	"github.com/tensorgo/tensorgo/tensor"
)

// AddN returns the sum of xs, tensors of one dtype and shape, added in
// order: ((x0 + x1) + x2) + …, the same values as a chain of Adds, in one
// pass over the output. Gradients use it to sum the contributions of a
// tensor's consumers.
func AddN(xs ...*Tensor) *Tensor {
	if len(xs) == 0 {
		panic(opErr("AddN", "no inputs"))
	}
	if len(xs) == 1 {
		return xs[0]
	}
	return applyState("AddN", attrs{}, &addNState{}, xs...)
}

// addNState is an AddN op's scratch: the bound chunk function and its
// operands, so that a run allocates nothing.
type addNState struct {
	mu  sync.Mutex
	in  [][]float32
	out []float32
	fn  func(lo, hi int)
}

// addNBlock is how many elements of the output one pass adds all inputs
// into before moving on, so that the block stays in the L1 cache.
const addNBlock = 2048

func (s *addNState) chunk(lo, hi int) {
	for b := lo; b < hi; b += addNBlock {
		e := min(hi, b+addNBlock)
		out := s.out[b:e]
		copy(out, s.in[0][b:e])
		for _, x := range s.in[1:] {
			vec.Add(out, x[b:e])
		}
	}
}

func init() {
	RegisterOp(&OpDef{Type: "AddN",
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			s := in[0].Shape.Clone()
			for _, t := range in {
				if t.DType != in[0].DType || !t.Shape.CompatibleWith(s) {
					shapePanic(op, in, "inputs must share dtype and shape (want %v %v)", in[0].DType, in[0].Shape)
				}
				for i, d := range t.Shape {
					if s[i] < 0 {
						s[i] = d
					}
				}
			}
			if !tensor.OpAdd.Supports(in[0].DType) {
				dtypePanic(op, in, "dtype %v is not supported", in[0].DType)
			}
			return []TensorSpec{{in[0].DType, s}}
		},
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			for i, x := range in {
				if !x.Shape().Equal(in[0].Shape()) {
					return opErr("AddN", "input %d has shape %v, input 0 %v: want one shape", i, x.Shape(), in[0].Shape())
				}
			}
			if out[0].DType() != Float32 {
				tensor.BinaryInto(out[0], tensor.OpAdd, in[0], in[1])
				for _, x := range in[2:] {
					tensor.BinaryInto(out[0], tensor.OpAdd, out[0], x)
				}
				return nil
			}
			st, ok := op.state.(*addNState)
			if !ok {
				st = &addNState{}
			}
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.fn == nil {
				st.fn = st.chunk
			}
			st.in = st.in[:0]
			for _, x := range in {
				st.in = append(st.in, x.Float32s())
			}
			st.out = out[0].Float32s()
			parallel.ForAligned(len(st.out), 1<<15, addNBlock, st.fn)
			clear(st.in) // no references to the inputs past the run
			st.in, st.out = st.in[:0], nil
			return nil
		},
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			r := make([]*Tensor, len(op.inputs))
			for i := range r {
				r[i] = dys[0]
			}
			return r
		},
	})
}
