package progbar

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
)

func TestFinalLineVerbose1(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 1875, 1, "step")
	names := []string{"loss", "accuracy"}
	for i := 1; i <= 1875; i++ {
		b.Update(i, names, []float64{0.29604, 0.914}, i == 1875)
	}
	re := regexp.MustCompile(`^1875/1875 \[={30}\] - \d+s \d+(us|ms|s)/step - loss: 0\.2960 - accuracy: 0\.9140\n$`)
	if !re.MatchString(out.String()) {
		t.Fatalf("got %q", out.String())
	}
}

func TestLiveBar(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 100, 1, "step")
	b.SetDynamic(true)
	b.Update(50, []string{"loss"}, []float64{1.5}, false)
	got := out.String()
	want := "\r 50/100 [==============>...............] - ETA: "
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, " - loss: 1.5000") {
		t.Fatalf("got %q, want prefix %q", got, want)
	}
	b.Update(60, []string{"loss"}, []float64{1.4}, false) // throttled
	if out.String() != got {
		t.Fatalf("redrawn within the interval: %q", out.String())
	}
	b.Update(100, []string{"loss"}, []float64{1.25}, true)
	if !strings.HasSuffix(out.String(), " - loss: 1.2500\n") || !strings.Contains(out.String(), "\r100/100 [==============================] - ") {
		t.Fatalf("final: %q", out.String())
	}
}

func TestVerbose2AndSmallValues(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 313, 2, "step")
	b.Update(313, []string{"loss", "accuracy"}, []float64{0.00012345, 0.9772}, true)
	re := regexp.MustCompile(`^313/313 - \d+s - loss: 1\.2345e-04 - accuracy: 0\.9772 - \d+(us|ms|s)/epoch - \d+(us|ms|s)/step\n$`)
	if !re.MatchString(out.String()) {
		t.Fatalf("got %q", out.String())
	}
}

func TestETAFormats(t *testing.T) {
	for _, c := range []struct {
		s    float64
		want string
	}{{42, "42s"}, {125, "2:05"}, {3725, "1:02:05"}} {
		if got := string(appendETA(nil, c.s)); got != c.want {
			t.Errorf("eta %v = %q, want %q", c.s, got, c.want)
		}
	}
	for _, c := range []struct {
		s    float64
		want string
	}{{2.2, " 2s/step"}, {0.0123, " 12ms/step"}, {0.00042, " 420us/step"}} {
		if got := string(appendTime(nil, c.s, "step")); got != c.want {
			t.Errorf("time %v = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestAppendValueMatchesPython(t *testing.T) {
	// Python: "%.4f" % v if abs(v) > 1e-3 else "%.4e" % v.
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.29604, "0.2960"}, {-0.5, "-0.5000"}, {0.001, "1.0000e-03"}, {0, "0.0000e+00"},
		{-2.5e-5, "-2.5000e-05"}, {1234.56789, "1234.5679"},
		{math.NaN(), "nan"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
	} {
		if got := string(AppendValue(nil, c.v)); got != c.want {
			t.Errorf("AppendValue(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestUnknownTarget(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, -2, 1, "step")
	b.SetDynamic(true)
	b.Update(5, []string{"loss"}, []float64{0.5}, false)
	re := regexp.MustCompile(`^\r      5/Unknown - \d+s \d+(us|ms|s)/step - loss: 0\.5000$`)
	if !re.MatchString(out.String()) {
		t.Fatalf("live bar of an unknown target: %q", out.String())
	}
	// At the end the steps seen become the target, as Keras's ProgbarLogger.
	out.Reset()
	b = New(&out, -2, 2, "step")
	b.Update(12, []string{"loss"}, []float64{0.5}, true)
	if !strings.HasPrefix(out.String(), "12/12 - ") {
		t.Fatalf("verbose 2 of an unknown target: %q", out.String())
	}
}
