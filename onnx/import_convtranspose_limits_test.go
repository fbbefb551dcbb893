package onnx

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// A ConvTranspose whose strides make a huge uncropped result, cropped by
// its pads to a small one, is refused at import, before anything is
// allocated; so are output_padding past the stride and pads that leave
// nothing.
func TestImportConvTransposeHugeRefused(t *testing.T) {
	w := map[string]*tensor.Tensor{"w": tensor.New(tensor.Float32, 2, 3, 2, 2)}
	node := func(attrs map[string]Attr) []Node {
		return []Node{{Name: "ct", OpType: "ConvTranspose", Inputs: []string{"x", "w"}, Outputs: []string{"y"}, Attrs: attrs}}
	}
	big := 1 << 22
	wantImportError(t, hostile(node(map[string]Attr{"strides": {Kind: AttrInts, Ints: []int64{int64(big), int64(big)}},
		"pads": {Kind: AttrInts, Ints: []int64{int64(3*big/2 - 1), int64(3*big/2 - 1), int64(3*big/2 - 1), int64(3*big/2 - 1)}}}), w, "y"),
		ImportOptions{}, "over the limit")
	wantImportError(t, hostile(node(map[string]Attr{"strides": {Kind: AttrInts, Ints: []int64{2, 2}},
		"output_padding": {Kind: AttrInts, Ints: []int64{2, 0}}}), w, "y"), ImportOptions{}, "output_padding")
	wantImportError(t, hostile(node(map[string]Attr{"pads": {Kind: AttrInts, Ints: []int64{3, 0, 2, 0}}}), w, "y"), ImportOptions{}, "pads")
	wantImportError(t, hostile(node(map[string]Attr{"group": {Kind: AttrInt, Int: 2}}), w, "y"), ImportOptions{}, "group")
}
