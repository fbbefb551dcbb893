package tensor

import (
	"math"
	"testing"
)

// A float32 tensor with a vector along its last axis, in either order:
// every element is the one operation of the two values.
func TestRowBroadcastOps(t *testing.T) {
	x := RandomUniform(Float32, Shape{3, 5, 6}, -2, 2, 1)
	for _, vs := range []Shape{{6}, {1, 1, 6}, {1, 6}} {
		v := RandomUniform(Float32, vs, -2, 2, 2)
		for _, op := range []BinaryOp{OpAdd, OpSub, OpMul} {
			for _, vecFirst := range []bool{false, true} {
				a, b := x, v
				if vecFirst {
					a, b = v, x
				}
				got := Binary(op, a, b)
				if !got.Shape().Equal(x.Shape()) {
					t.Fatalf("%v %v: shape %v", op, vs, got.Shape())
				}
				xs, vv, g := x.Float32s(), v.Float32s(), got.Float32s()
				for i := range g {
					p, q := xs[i], vv[i%6]
					if vecFirst {
						p, q = q, p
					}
					want := map[BinaryOp]float32{OpAdd: p + q, OpSub: p - q, OpMul: p * q}[op]
					if math.Float32bits(g[i]) != math.Float32bits(want) {
						t.Fatalf("%v, vector %v first=%v: element %d = %v, want %v", op, vs, vecFirst, i, g[i], want)
					}
				}
			}
		}
	}
}
