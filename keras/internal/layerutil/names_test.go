package layerutil

import "testing"

func TestSnakeCaseAndUniqueNames(t *testing.T) {
	for in, want := range map[string]string{"Dense": "dense", "BatchNormalization": "batch_normalization", "Conv2D": "conv2d", "XORNet": "xor_net", "MyModel": "my_model", "InputLayer": "input_layer"} {
		if got := SnakeCase(in); got != want {
			t.Errorf("SnakeCase(%q) = %q, want %q", in, got, want)
		}
	}
	ResetNames()
	if a, b := UniqueName("x"), UniqueName("x"); a != "x" || b != "x_1" {
		t.Errorf("%s %s", a, b)
	}
}
