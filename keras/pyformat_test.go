package keras

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// The expected strings are what Python 3's str.format gives for the same
// template and value (the format mini-language Keras's ModelCheckpoint
// fills its filepath with).
func TestFormatFieldsAsPython(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		tmpl string
		v    any
		want string
	}{
		{"{x:02d}", 3, "03"},
		{"{x}", 3, "3"},
		{"{x:5d}", 42, "   42"},
		{"{x:,}", 1234567, "1,234,567"},
		{"{x:.2f}", 3, "3.00"},
		{"{x:.2f}", 0.12345, "0.12"},
		{"{x:.2f}", 2.675, "2.67"},
		{"{x:.0f}", 0.5, "0"},
		{"{x}", 0.1, "0.1"},
		{"{x}", 1e-05, "1e-05"},
		{"{x}", 1.0, "1.0"},
		{"{x}", 0.0, "0.0"},
		{"{x}", 1e16, "1e+16"},
		{"{x}", 123456789.0, "123456789.0"},
		{"{x}", 0.30000000000000004, "0.30000000000000004"},
		{"{x:g}", 0.0001, "0.0001"},
		{"{x:g}", 1e-5, "1e-05"},
		{"{x:g}", 1234567.0, "1.23457e+06"},
		{"{x:g}", 100000.0, "100000"},
		{"{x:g}", 1e6, "1e+06"},
		{"{x:g}", 0.0, "0"},
		{"{x:g}", math.Copysign(0, -1), "-0"},
		{"{x:.3}", 1.0, "1.0"},
		{"{x:.3}", 12.0, "12.0"},
		{"{x:.3}", 123.0, "1.23e+02"},
		{"{x:.3}", 0.0, "0.0"},
		{"{x:e}", 12345.678, "1.234568e+04"},
		{"{x:.0e}", 12345, "1e+04"},
		{"{x:E}", 12345.678, "1.234568E+04"},
		{"{x:.1%}", 0.256, "25.6%"},
		{"{x:>8.3f}", 3.14159, "   3.142"},
		{"{x:<8.3f}|", 3.14159, "3.142   |"},
		{"{x:^9.3f}", 3.14159, "  3.142  "},
		{"{x:*^9.3f}", 3.14159, "**3.142**"},
		{"{x:08.3f}", -3.14159, "-003.142"},
		{"{x:+.2f}", 1.5, "+1.50"},
		{"{x:,.2f}", 1234567.891, "1,234,567.89"},
		{"{x:.2f}", inf, "inf"},
		{"{x:F}", inf, "INF"},
		{"{x:.4f}", -inf, "-inf"},
		{"{x}", math.NaN(), "nan"},
		{"w.{x:02d}-{{x}}.tgckpt", 7, "w.07-{x}.tgckpt"},
	}
	for _, c := range cases {
		ints, floats := map[string]int{}, map[string]float64{}
		switch v := c.v.(type) {
		case int:
			ints["x"] = v
		case float64:
			floats["x"] = v
		}
		got, err := formatFields(c.tmpl, ints, floats)
		if err != nil || got != c.want {
			t.Errorf("%q with %v: %q (%v), want %q", c.tmpl, c.v, got, err, c.want)
		}
	}
	// Python raises for these.
	for _, c := range []struct {
		tmpl, want string
		v          any
	}{
		{"{x:d}", "unknown format code 'd' for object of type 'float'", 1.5},
		{"{x:.2}", "precision not allowed", 3},
		{"{y}", `no value named "y"`, 1.0},
		{"{x", "single '{'", 1.0},
		{"x}", "single '}'", 1.0},
		{"{x.real}", "only plain names", 1.0},
		{"{x!r}", "only plain names", 1.0},
		{"{x:q}", "unknown format code 'q'", 1.0},
		{"{x:.f}", "missing precision", 1.0},
	} {
		ints, floats := map[string]int{}, map[string]float64{}
		switch v := c.v.(type) {
		case int:
			ints["x"] = v
		case float64:
			floats["x"] = v
		}
		if _, err := formatFields(c.tmpl, ints, floats); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error saying %q", c.tmpl, err, c.want)
		}
	}
}

func FuzzFormatFields(f *testing.F) {
	for _, s := range []string{"weights.{epoch:02d}-{val_loss:.2f}.tgckpt", "{epoch}", "{val_loss:>10.3e}", "{{}}", "{", "}", "{val_loss:0=+20,.4%}", "{epoch:ü<5d}", "{val_loss:.999999999f}", "{epoch:99999999999d}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		s, err := formatFields(tmpl, map[string]int{"epoch": 12, "batch": 3}, map[string]float64{"val_loss": -0.123456, "loss": math.Inf(1)})
		if err != nil {
			return
		}
		// Braces only come from fields or doubled braces: the output is
		// never longer than the template by more than the fields' width
		// limits allow, and it is valid UTF-8 when the template is.
		if utf8.ValidString(tmpl) && !utf8.ValidString(s) {
			t.Fatalf("%q gave invalid UTF-8 %q", tmpl, s)
		}
		if len(s) > 4*len(tmpl)+2100*strings.Count(tmpl, "{") {
			t.Fatalf("%q gave %d bytes", tmpl, len(s))
		}
	})
}
