package keras

import (
	"fmt"

	"github.com/tensorgo/tensorgo/optimizers"
)

// Optimizer is what Compile accepts as an optimizer object: any
// optimizers.Optimizer. A name is one of Keras's (see optimizers.Get).
type Optimizer = optimizers.Optimizer

// learningRater is the part of an optimizer learning-rate callbacks use.
type learningRater interface {
	LearningRate() float64
	SetLearningRate(lr float64)
}

func resolveOptimizer(o any) (Optimizer, error) {
	switch x := o.(type) {
	case string:
		opt, err := optimizers.Get(x)
		if err != nil {
			return nil, fmt.Errorf("keras: Compile: %w", err)
		}
		return opt, nil
	case Optimizer:
		if x == nil {
			return nil, fmt.Errorf("keras: Compile: nil optimizer")
		}
		return x, nil
	case nil:
		return nil, fmt.Errorf("keras: Compile: no optimizer")
	}
	return nil, fmt.Errorf("keras: Compile: an optimizer must be a name or an optimizers.Optimizer, got %T", o)
}
