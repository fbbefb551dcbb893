package quote

import (
	"strings"
	"testing"
)

func TestShortInputsQuotedWhole(t *testing.T) {
	for _, s := range []string{"", "x", `a"b`, strings.Repeat("é", 50)} {
		want := `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
		if got := String(s); got != want {
			t.Errorf("String(%q) = %s, want %s", s, got, want)
		}
		if got := Bytes([]byte(s)); got != want {
			t.Errorf("Bytes(%q) = %s, want %s", s, got, want)
		}
	}
}

func TestLongInputsCut(t *testing.T) {
	long := strings.Repeat("a", 100<<20) // a 100 MB field
	want := `"` + strings.Repeat("a", 100) + `"... (104857600 bytes)`
	if got := String(long); got != want {
		t.Fatalf("String: %d bytes: %.200s", len(got), got)
	}
	if got := Bytes([]byte(long)); got != want {
		t.Fatalf("Bytes: %d bytes: %.200s", len(got), got)
	}
	// 99 ASCII bytes then "€" (3 bytes) straddling the cut: the cut backs
	// up to before the euro sign rather than splitting it.
	s := strings.Repeat("b", 99) + "€" + strings.Repeat("c", 10)
	want = `"` + strings.Repeat("b", 99) + `"... (112 bytes)`
	if got := String(s); got != want {
		t.Fatalf("String cuts a character: %s", got)
	}
	if got := Bytes([]byte(s)); got != want {
		t.Fatalf("Bytes cuts a character: %s", got)
	}
}

func TestClip(t *testing.T) {
	if got := Clip("short message"); got != "short message" {
		t.Fatalf("Clip changed a short message: %s", got)
	}
	long := "malformed HTTP response " + strings.Repeat("z", 1000)
	want := long[:100] + "... (1024 bytes)"
	if got := Clip(long); got != want {
		t.Fatalf("Clip: %s", got)
	}
}
