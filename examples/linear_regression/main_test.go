package main

import (
	"math"
	"testing"
)

// The acceptance check: 1000 steps end within 0.01 of w = 0.8,
// b = 0.7, in graph mode and eagerly.
func TestTrainReachesTrueParameters(t *testing.T) {
	for _, eager := range []bool{false, true} {
		r, err := train(config{maxStep: 1000, lr: 0.1, seed: 1, eager: eager})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.W-0.8) > 0.01 || math.Abs(r.B-0.7) > 0.01 || r.Loss > 1e-4 || r.Steps != 1000 {
			t.Errorf("eager=%v: %+v", eager, r)
		}
	}
}

func TestGraphAndEagerAgree(t *testing.T) {
	a, err := train(config{maxStep: 20, lr: 0.1, seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := train(config{maxStep: 20, lr: 0.1, seed: 3, eager: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.W-b.W) > 1e-6 || math.Abs(a.B-b.B) > 1e-6 {
		t.Errorf("graph %+v, eager %+v", a, b)
	}
}
