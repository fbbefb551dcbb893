package keras

import (
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/optimizers"
)

func TestResolveOptimizerKnowsKerasNames(t *testing.T) {
	for _, n := range []string{"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamw", "nadam", "adamax", "ftrl", "lion", "Adam", "AdamW", "RMSprop"} {
		o, err := resolveOptimizer(n)
		if err != nil {
			t.Errorf("resolveOptimizer(%q): %v", n, err)
			continue
		}
		if !strings.EqualFold(o.Name(), n) {
			t.Errorf("resolveOptimizer(%q) is %s", n, o.Name())
		}
	}
	_, err := resolveOptimizer("Adamm")
	if err == nil {
		t.Fatal("unknown name: no error")
	}
	for _, want := range append([]string{"Adamm", "Compile"}, optimizers.Names()...) {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
