package metrics_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/tensor"
)

// The area under the ROC and precision-recall curves, as Keras's AUC
// (ROC: Keras 3's docstring example). By hand for PR at thresholds
// (-ε, 0.5, 1+ε): recall (1, 0.5, 0), precision (0.5, 1, 0); lower sums:
// 0.5·min(0.5, 1) + 0.5·min(1, 0) = 0.25.
func ExampleNewAUC() {
	y := tensor.From([]float32{0, 0, 1, 1})
	p := tensor.From([]float32{0, 0.5, 0.3, 0.9})
	roc := metrics.NewAUC(3)
	pr := metrics.NewAUC(3, metrics.WithCurve("PR"), metrics.WithSummationMethod("minoring"))
	_ = roc.UpdateState(y, p, nil)
	_ = pr.UpdateState(y, p, nil)
	fmt.Printf("roc %.2f pr %.2f\n", roc.Result(), pr.Result())
	// Output: roc 0.75 pr 0.25
}

// Precision over the top-k predictions of each sample, restricted to one
// class with WithClassID, or at several thresholds.
func ExampleNewPrecision() {
	y := tensor.From([]float32{0, 1, 1, 0, 1})
	p := tensor.From([]float32{0.2, 0.8, 0.6, 0, 0.2})
	top := metrics.NewPrecision(metrics.TopKThreshold, metrics.WithTopK(2))
	multi := metrics.NewPrecision(0.5, metrics.WithThresholds(0.1, 0.5, 0.7))
	_ = top.UpdateState(y, p, nil)
	_ = multi.UpdateState(y, p, nil)
	fmt.Printf("%.2f %.2f\n", top.Result(), multi.Results())
	// Output: 1.00 [0.75 1.00 1.00]
}
