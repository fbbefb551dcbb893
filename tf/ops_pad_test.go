package tf

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestForwardPad(t *testing.T) {
	x := seq(1, 2, 2, 1)
	// One row above, none below; one column left, two right.
	expect(t, "Pad", runBoth(t, "Pad", x0(func(x *Tensor) *Tensor {
		return Pad(x, [][2]int{{0, 0}, {1, 0}, {1, 2}, {0, 0}})
	}), x), Float64, []int{1, 3, 5, 1}, []float64{
		0, 0, 0, 0, 0,
		0, 1, 2, 0, 0,
		0, 3, 4, 0, 0}, 0)
	expect(t, "Pad int32", runBoth(t, "Pad", x0(func(x *Tensor) *Tensor { return Pad(x, [][2]int{{2, 1}}) }),
		tensor.From([]int32{7, 8})), Int32, []int{5}, []float64{0, 0, 7, 8, 0}, 0)
	expect(t, "Pad float32", runBoth(t, "Pad", x0(func(x *Tensor) *Tensor { return Pad(Cast(x, Float32), [][2]int{{1, 1}, {0, 1}}) }),
		seq(2, 2)), Float32, []int{4, 3}, []float64{0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0, 0}, 0)
	checkGrad(t, gradCase{name: "Pad", shapes: [][]int{{2, 3, 2, 2}}, unknownBatch: true, f: x0(func(x *Tensor) *Tensor {
		return Square(Pad(x, [][2]int{{0, 0}, {2, 1}, {0, 3}, {1, 0}}))
	})})
	if err := Catch(func() { Pad(Constant(x), [][2]int{{0, 0}, {-1, 0}, {0, 0}, {0, 0}}) }); err == nil {
		t.Error("negative padding: no error")
	}
}

func TestUpSampling2D(t *testing.T) {
	expect(t, "UpSampling2D", runBoth(t, "UpSampling2D", x0(func(x *Tensor) *Tensor { return UpSampling2D(x, 2, 1) }), seq(1, 2, 2, 1)),
		Float64, []int{1, 4, 2, 1}, []float64{1, 2, 1, 2, 3, 4, 3, 4}, 0)
	checkGrad(t, gradCase{name: "UpSampling2D", shapes: [][]int{{2, 2, 3, 2}}, unknownBatch: true,
		f: x0(func(x *Tensor) *Tensor { return Square(UpSampling2D(x, 2, 3)) })})
}
