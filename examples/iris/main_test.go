package main

import (
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

// Both ways of training the course's Iris network reach 0.9 test accuracy
// on the course's 30 held-out rows with the example's defaults.
func TestBothWaysReachAccuracy(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(epochs, batch int, lr float64) (map[string]any, error)
	}{{"keras", runKeras}, {"eager", runEager}} {
		t.Run(c.name, func(t *testing.T) {
			tensor.SetSeed(1)
			res, err := c.run(500, 32, 0.1)
			if err != nil {
				t.Fatal(err)
			}
			acc, ok := res["test_accuracy"].(float64)
			if !ok || acc < 0.9 {
				t.Fatalf("test accuracy %v, want >= 0.9", res["test_accuracy"])
			}
		})
	}
}
