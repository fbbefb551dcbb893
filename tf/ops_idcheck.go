package tf

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

func init() {
	RegisterOp(&OpDef{Type: "CheckIDs",
		Attrs: []AttrDef{{"limit", AttrInt, nil}, {"layer", AttrString, ""}},
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec {
			if d := in[0].DType; d != tensor.Int32 && d != tensor.Int64 {
				dtypePanic(op, in, "ids have dtype %v, want int32 or int64", d)
			}
			if op.aInt(0) < 1 {
				shapePanic(op, in, "limit must be at least 1, got %d", op.aInt(0))
			}
			return []TensorSpec{in[0]}
		},
		Kernel: checkIDsKernel,
	})
	RegisterKernel("CheckIDs", "REF", checkIDsKernel)
}

func checkIDsKernel(op *Operation, in, out []*tensor.Tensor) error {
	ids, limit := in[0], op.aInt(0)
	s := ids.Shape()
	per := 1 // ids per sample
	for _, d := range s[min(1, len(s)):] {
		per *= d
	}
	for i := 0; i < ids.Size(); i++ {
		if k := ids.Float(i); k < 0 || k >= float64(limit) {
			who := op.aString(1)
			if who == "" {
				who = "CheckIDs"
			}
			return fmt.Errorf("%s: sample %d of the batch has index %d at position %d, outside [0, %d)", who, i/max(per, 1), int64(k), i%max(per, 1), limit)
		}
	}
	out[0].CopyFrom(ids)
	return nil
}

// CheckIDs returns ids unchanged when every one is in [0, limit), and
// otherwise makes the run fail with an error naming layer, the sample (the
// index along the first axis), the position within it and the bad index:
// the check Keras's Embedding makes before a lookup.
func CheckIDs(ids *Tensor, limit int, layer string) *Tensor {
	return apply1("CheckIDs", attrs{limit, layer}, nil, ids)
}
