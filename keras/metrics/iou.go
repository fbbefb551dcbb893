package metrics

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// MeanIoU is the mean intersection-over-union over classes, from a
// confusion matrix accumulated over every element, as Keras's MeanIoU:
// IoU = TP / (TP + FP + FN) per class, averaged over the classes that
// occur.
type MeanIoU struct {
	name       string
	classes    int
	ignore     int
	hasIgnore  bool
	sparseTrue bool
	sparsePred bool
	cm         []float64 // [true][pred]
}

// NewMeanIoU returns a mean IoU over numClasses classes. Labels and
// predictions are class ids by default (Keras's sparse_y_true and
// sparse_y_pred); WithSparsePredictions(false) takes the argmax of scores,
// WithSparseLabels(false) that of one-hot labels. Options: WithIgnoreClass,
// WithName. Ids outside [0, numClasses) are skipped. Counts and sample
// weights are real numbers, as Keras's MeanIoU with dtype "float32" (its
// default integer dtype truncates fractional weights).
func NewMeanIoU(numClasses int, opts ...Option) *MeanIoU {
	if numClasses < 1 {
		panic(fmt.Sprintf("metrics: mean_iou: numClasses %d is not positive", numClasses))
	}
	o := newOptions("mean_iou", opts, "ignore_class", "sparse_y_true", "sparse_y_pred")
	return &MeanIoU{name: o.name, classes: numClasses, ignore: o.ignoreClass, hasIgnore: o.hasIgnoreClass,
		sparseTrue: o.sparseTrue, sparsePred: o.sparsePred, cm: make([]float64, numClasses*numClasses)}
}

// Name implements Metric.
func (m *MeanIoU) Name() string { return m.name }

// ids returns the class id of element (or row, when not sparse) i and the
// number of ids in t.
func classIDs(t *tensor.Tensor, sparse bool) (n, k int) {
	if sparse || t.Rank() == 0 {
		return t.Size(), 1
	}
	k = t.Dim(t.Rank() - 1)
	return t.Size() / max(k, 1), k
}

func classAt(t *tensor.Tensor, i, k int, sparse bool) float64 {
	if sparse {
		return t.Float(i)
	}
	return float64(argmaxRow(t, i, k))
}

// UpdateState implements Metric. Sample weights have one value per class
// id (or are a scalar).
func (m *MeanIoU) UpdateState(yTrue, yPred, sw *tensor.Tensor) error {
	n, kt := classIDs(yTrue, m.sparseTrue)
	np, kp := classIDs(yPred, m.sparsePred)
	if n != np {
		return fmt.Errorf("metrics: %s: %d labels for %d predictions (shapes %v and %v)", m.name, n, np, yTrue.Shape(), yPred.Shape())
	}
	if sw != nil && sw.Size() != n && sw.Size() != 1 {
		return fmt.Errorf("metrics: %s: %d sample weights for %d values", m.name, sw.Size(), n)
	}
	c := float64(m.classes)
	for i := 0; i < n; i++ {
		y, p := classAt(yTrue, i, kt, m.sparseTrue), classAt(yPred, i, kp, m.sparsePred)
		if y < 0 || y >= c || p < 0 || p >= c || (m.hasIgnore && y == float64(m.ignore)) {
			continue
		}
		w := 1.0
		if sw != nil {
			w = sw.Float(min(i, sw.Size()-1))
		}
		m.cm[int(y)*m.classes+int(p)] += w
	}
	return nil
}

// Result implements Metric.
func (m *MeanIoU) Result() float64 {
	var sum, valid float64
	for c := 0; c < m.classes; c++ {
		var row, col float64
		for j := 0; j < m.classes; j++ {
			row += m.cm[c*m.classes+j]
			col += m.cm[j*m.classes+c]
		}
		tp := m.cm[c*m.classes+c]
		den := row + col - tp
		if den > 1e-9 {
			valid++
			sum += tp / (den + Epsilon)
		}
	}
	return sum / (valid + Epsilon)
}

// ResetState implements Metric.
func (m *MeanIoU) ResetState() { clear(m.cm) }
