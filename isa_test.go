package tensorgo_test

import (
	"testing"

	"github.com/tensorgo/tensorgo"
)

func TestSetISA(t *testing.T) {
	old := tensorgo.ISA()
	defer tensorgo.SetISA(old)
	got, err := tensorgo.SetISA("generic")
	if err != nil || got != "generic" || tensorgo.ISA() != "generic" {
		t.Fatalf(`SetISA("generic") = %q, %v; ISA() = %q`, got, err, tensorgo.ISA())
	}
	all := tensorgo.ISAs()
	if all[len(all)-1] != "generic" {
		t.Errorf("ISAs() = %v; want generic last", all)
	}
	if got, _ := tensorgo.SetISA("avx512"); got != all[0] {
		t.Errorf(`SetISA("avx512") = %q; want the widest available, %q`, got, all[0])
	}
	if _, err := tensorgo.SetISA("neon"); err == nil {
		t.Error(`SetISA("neon") succeeded; want an error`)
	}
}
