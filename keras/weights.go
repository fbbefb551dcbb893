package keras

import (
	"errors"
	"fmt"
	"math"

	"github.com/tensorgo/tensorgo/tensor"
)

// sampleWeights returns the weights fed with a's batches (nil when neither
// sample nor class weights are given): the sample weights with their shape
// ((n,), (n, 1) or (n, T)) as float32, or (n,) class weights, or the two
// multiplied when both are given (then the sample weights must be one per
// sample).
func sampleWeights(c *fitConfig, a *arrays) (*tensor.Tensor, error) {
	sw := c.sampleWeight
	if sw == nil && c.classWeight == nil {
		return nil, nil
	}
	var w *tensor.Tensor
	if sw != nil {
		if sw.Rank() == 0 || sw.Dim(0) != a.n {
			return nil, fmt.Errorf("keras: %d sample weights for %d samples (sample weights have shape %v; want the samples first)", sw.Size(), a.n, sw.Shape())
		}
		if !numeric(sw.DType()) {
			return nil, fmt.Errorf("keras: sample weights are %v: want numbers", sw.DType())
		}
		w = tensor.Cast(sw, tensor.Float32) // a new tensor: class weights may scale it
	}
	if c.classWeight == nil {
		return w, nil
	}
	if w == nil {
		w = tensor.Ones(tensor.Float32, a.n)
	} else if w.Size() != a.n {
		return nil, fmt.Errorf("keras: ClassWeight with SampleWeight needs one sample weight per sample, got shape %v", w.Shape())
	}
	if len(a.ys) != 1 {
		return nil, errors.New("keras: ClassWeight needs a model with one output")
	}
	ws := w.Float32s()
	y := a.ys[0]
	per := y.Size() / a.n
	for i := range ws {
		cls := 0
		if per == 1 {
			cls = int(y.Float(i))
		} else { // one-hot: the argmax
			best := math.Inf(-1)
			for j := 0; j < per; j++ {
				if v := y.Float(i*per + j); v > best {
					best, cls = v, j
				}
			}
		}
		if cw, ok := c.classWeight[cls]; ok {
			ws[i] *= float32(cw)
		}
	}
	return w, nil
}

// checkClassWeight rejects class weights for classes the model cannot
// output (Keras rejects them too).
func (m *Model) checkClassWeight(c *fitConfig) error {
	if len(c.classWeight) == 0 || len(m.inferOut) != 1 {
		return nil
	}
	os := m.inferOut[0].Shape()
	k := os[len(os)-1]
	if k == 1 { // one sigmoid unit: classes 0 and 1
		k = 2
	}
	for cls := range c.classWeight {
		if k > 0 && (cls < 0 || cls >= k) {
			return fmt.Errorf("keras: ClassWeight has class %d, but the model's output has %d classes", cls, k)
		}
	}
	return nil
}
