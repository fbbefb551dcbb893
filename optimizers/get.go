package optimizers

import (
	"fmt"
	"sort"
	"strings"
)

// constructors maps Keras's optimizer names (lower case) to constructors
// with Keras's defaults.
var constructors = map[string]func() Optimizer{
	"sgd":      func() Optimizer { return NewSGD(0) },
	"rmsprop":  func() Optimizer { return NewRMSprop(0) },
	"adagrad":  func() Optimizer { return NewAdagrad(0) },
	"adadelta": func() Optimizer { return NewAdadelta(0) },
	"adam":     func() Optimizer { return NewAdam(0) },
	"adamw":    func() Optimizer { return NewAdamW(0) },
	"nadam":    func() Optimizer { return NewNadam(0) },
	"adamax":   func() Optimizer { return NewAdamax(0) },
	"ftrl":     func() Optimizer { return NewFtrl(0) },
	"lion":     func() Optimizer { return NewLion(0) },
}

// Names returns the names Get knows, sorted.
func Names() []string {
	out := make([]string, 0, len(constructors))
	for n := range constructors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Get returns a new optimizer with Keras's defaults by its Keras name, as
// compile("adam") takes: "sgd", "rmsprop", "adagrad", "adadelta", "adam",
// "adamw", "nadam", "adamax", "ftrl" or "lion" (any case, so the class
// names "Adam", "RMSprop" work too). An unknown name is an error listing
// the known ones.
func Get(name string) (Optimizer, error) {
	if f, ok := constructors[strings.ToLower(name)]; ok {
		return f(), nil
	}
	return nil, fmt.Errorf("optimizers: unknown optimizer %q (known: %s)", name, strings.Join(Names(), ", "))
}
