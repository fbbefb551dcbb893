package losses

import (
	"strings"
	"testing"
)

// FuzzParseReduction: the reduction parser accepts exactly Keras's names
// and never panics.
func FuzzParseReduction(f *testing.F) {
	for _, s := range []string{"sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", "", "auto", "SUM", "sum ", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReduction(s)
		switch s {
		case "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", "":
			if err != nil {
				t.Fatalf("ParseReduction(%q): %v", s, err)
			}
			if s != "" && string(r) != s {
				t.Fatalf("ParseReduction(%q) = %q", s, r)
			}
		default:
			if err == nil {
				t.Fatalf("ParseReduction(%q) accepted %q", s, r)
			}
		}
	})
}

// FuzzGet: looking a loss up by name never panics, and a loss found has a
// name.
func FuzzGet(f *testing.F) {
	for _, s := range []string{"mse", "MAE", "kld", "sparse_categorical_crossentropy", "binary_focal_crossentropy", "dice", "", "mse\x00", "hinge ", strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Get(s)
		if err == nil && l.Name() == "" {
			t.Fatalf("Get(%q) gave a loss without a name", s)
		}
		if err != nil && l != nil {
			t.Fatalf("Get(%q) gave a loss and an error", s)
		}
	})
}
