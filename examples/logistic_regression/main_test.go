package main

import (
	"math"
	"testing"
)

func TestLogisticRegressionLearns(t *testing.T) {
	auto, err := train(config{iterations: 500, lr: 0.5, samples: 400, seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Two unit-variance clouds 2*sqrt(2) apart: the Bayes accuracy is about 92%.
	if auto.TrainAccuracy < 0.88 || auto.Cost > 0.3 {
		t.Errorf("autodiff: %+v", auto)
	}
	manual, err := train(config{iterations: 500, lr: 0.5, samples: 400, seed: 2, manual: true})
	if err != nil {
		t.Fatal(err)
	}
	// The seed's hand-derived gradients are the autodiff ones (LogLoss's
	// epsilon aside), so both runs end at the same parameters.
	for i := range auto.W {
		if math.Abs(auto.W[i]-manual.W[i]) > 1e-3 {
			t.Errorf("w[%d]: autodiff %v, manual %v", i, auto.W[i], manual.W[i])
		}
	}
	if math.Abs(auto.B-manual.B) > 1e-3 || auto.TrainAccuracy != manual.TrainAccuracy {
		t.Errorf("autodiff %+v, manual %+v", auto, manual)
	}
}
