package keras

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/optimizers"
)

// Optimizer is what Compile accepts as an optimizer object: any
// optimizers.Optimizer.
type Optimizer = optimizers.Optimizer

// learningRater is the part of an optimizer learning-rate callbacks use.
type learningRater interface {
	LearningRate() float64
	SetLearningRate(lr float64)
}

func resolveOptimizer(o any) (Optimizer, error) {
	switch x := o.(type) {
	case string:
		opt, err := optimizers.Get(strings.ToLower(x))
		if err != nil {
			return nil, fmt.Errorf("keras: Compile: unknown optimizer %q (known: adam, sgd, rmsprop, adagrad)", x)
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
