package cpu

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

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

// TestEnvironment runs this test binary again with TENSORGO_ISA set and
// checks the setting it starts with.
func TestEnvironment(t *testing.T) {
	if os.Getenv("TENSORGO_ISA_CHILD") != "" {
		fmt.Printf("selected=%v\n", Selected())
		return
	}
	for _, c := range []struct{ env, want string }{
		{"generic", "generic"},
		{"avx512", Best.String()}, // never wider than the machine
		{"bogus", Best.String()},  // unknown names leave the default
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEnvironment$")
		cmd.Env = append(os.Environ(), "TENSORGO_ISA_CHILD=1", "TENSORGO_ISA="+c.env)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "selected="+c.want+"\n") {
			t.Errorf("TENSORGO_ISA=%s: child says %q, want selected=%s", c.env, out, c.want)
		}
	}
}
