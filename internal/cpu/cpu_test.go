package cpu

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ISA
	}{{"avx512", AVX512}, {"AVX2", AVX2}, {" generic ", Generic}, {"purego", Generic}} {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if err == nil && got.String() != tc.want.String() {
			t.Errorf("String mismatch for %q", tc.in)
		}
	}
	if _, err := Parse("sse"); err == nil {
		t.Error("Parse(sse) succeeded; want an error")
	}
}

func TestSetClamps(t *testing.T) {
	old := Selected()
	defer Set(old)
	if got := Set(AVX512 + 5); got != Best || Selected() != Best {
		t.Errorf("Set(too wide) = %v, Selected %v; want Best %v", got, Selected(), Best)
	}
	if got := Set(Generic); got != Generic || Selected() != Generic {
		t.Errorf("Set(Generic) = %v, Selected %v", got, Selected())
	}
	av := Available()
	if av[0] != Best || av[len(av)-1] != Generic {
		t.Errorf("Available() = %v; want from %v down to generic", av, Best)
	}
}
