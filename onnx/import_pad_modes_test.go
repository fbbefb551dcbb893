package onnx

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// padModel pads a (2, 5) input by pads (ONNX's order: every begin, then
// every end) in mode.
func padModel(mode string, pads []int64, batch int) *Model {
	return &Model{Opsets: map[string]int64{"": 17}, Graph: Graph{Name: "g",
		Inputs: []Value{{Name: "x", DType: tensor.Float32, Shape: []int{batch, 5}}},
		Nodes: []Node{{Name: "pad", OpType: "Pad", Inputs: []string{"x", "p"}, Outputs: []string{"y"},
			Attrs: map[string]Attr{"mode": {Kind: AttrString, String: mode}}}},
		Outputs:      []Value{{Name: "y", DType: tensor.Float32}},
		Initializers: map[string]*tensor.Tensor{"p": tensor.FromSlice(pads)}}}
}

// Edge and reflect padding give NumPy's np.pad results: its documentation's
// np.pad([1, 2, 3, 4, 5], (2, 3), 'reflect') is [3, 2, 1, 2, 3, 4, 5, 4, 3,
// 2] and 'edge' is [1, 1, 1, 2, 3, 4, 5, 5, 5, 5]; the second row (6..10)
// and the padded first axis follow the same rules.
func TestImportPadEdgeReflect(t *testing.T) {
	x := tensor.FromSlice([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2, 5)
	cases := []struct {
		mode string
		pads []int64
		want []float32
		rows int
	}{
		{"reflect", []int64{0, 2, 0, 3}, []float32{3, 2, 1, 2, 3, 4, 5, 4, 3, 2, 8, 7, 6, 7, 8, 9, 10, 9, 8, 7}, 2},
		{"edge", []int64{0, 2, 0, 3}, []float32{1, 1, 1, 2, 3, 4, 5, 5, 5, 5, 6, 6, 6, 7, 8, 9, 10, 10, 10, 10}, 2},
		{"reflect", []int64{1, 0, 0, 1}, []float32{6, 7, 8, 9, 10, 9, 1, 2, 3, 4, 5, 4, 6, 7, 8, 9, 10, 9}, 3},
		{"edge", []int64{0, 1, 2, 0}, []float32{1, 1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10, 6, 6, 7, 8, 9, 10, 6, 6, 7, 8, 9, 10}, 4},
	}
	for _, c := range cases {
		im, err := Import(padModel(c.mode, c.pads, 2))
		if err != nil {
			t.Fatal(err)
		}
		out, err := im.Predict(x)
		if err != nil {
			t.Fatal(err)
		}
		got := out[0]
		if got.Shape()[0] != c.rows || got.Size() != len(c.want) {
			t.Fatalf("%s %v: shape %v, want %d rows of %d values", c.mode, c.pads, got.Shape(), c.rows, len(c.want)/c.rows)
		}
		for i, w := range c.want {
			if got.Float32s()[i] != w {
				t.Fatalf("%s %v: got %v, want %v", c.mode, c.pads, got.Float32s(), c.want)
			}
		}
	}
}

// Padding that the modes cannot make is an import error saying why.
func TestImportPadModesRefused(t *testing.T) {
	wantImportError(t, padModel("reflect", []int64{0, 5, 0, 0}, 2), ImportOptions{}, "reflect", "size − 1")
	wantImportError(t, padModel("edge", []int64{1, 0, 0, 0}, -1), ImportOptions{}, "edge", "size known")
	wantImportError(t, padModel("wrap", []int64{0, 1, 0, 1}, 2), ImportOptions{}, "wrap")
	wantImportError(t, padModel("edge", []int64{0, 1 << 24, 0, 1 << 24}, 2), ImportOptions{MaxElems: 1 << 20}, "over the limit")
}
