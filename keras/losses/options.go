package losses

import (
	"fmt"
	"strings"
)

// Option sets one of a loss's Keras arguments (reduction, name, axis,
// label_smoothing, ...). A loss given an option it has no such argument for
// panics, naming the loss and the option.
type Option func(*config)

type config struct {
	name           string
	reduction      Reduction
	axis           []int
	labelSmoothing float64
	alpha, beta    float64
	gamma          float64
	classBalancing bool
	ignoreClass    *int
	set            map[string]bool
}

func (c *config) mark(opt string) {
	if c.set == nil {
		c.set = map[string]bool{}
	}
	c.set[opt] = true
}

// WithReduction sets the loss's reduction (default SumOverBatchSize).
func WithReduction(r Reduction) Option {
	if _, err := ParseReduction(string(r)); err != nil {
		panic(err.Error())
	}
	if r == "" {
		r = NoReduction
	}
	return func(c *config) { c.reduction = r; c.mark("reduction") }
}

// WithName renames the loss (Keras's name argument).
func WithName(name string) Option {
	return func(c *config) { c.name = name; c.mark("name") }
}

// WithAxis sets the axis (or, for Dice and Tversky, the axes) along which
// the loss is computed. Keras's default is -1 (the class or feature axis);
// Dice and Tversky default to every axis.
func WithAxis(axes ...int) Option {
	a := append([]int(nil), axes...)
	return func(c *config) { c.axis = a; c.mark("axis") }
}

// WithLabelSmoothing smooths the labels of a cross-entropy (Keras's
// label_smoothing, in [0, 1]): binary labels are squeezed towards 0.5,
// y·(1-s) + s/2; categorical ones towards uniform, y·(1-s) + s/classes.
func WithLabelSmoothing(s float64) Option {
	if s < 0 || s > 1 {
		panic(fmt.Sprintf("losses: label smoothing %v is outside [0, 1]", s))
	}
	return func(c *config) { c.labelSmoothing = s; c.mark("label_smoothing") }
}

// WithAlpha sets alpha: the focal losses' weighting factor (default 0.25)
// or Tversky's false-positive weight (default 0.5).
func WithAlpha(a float64) Option {
	return func(c *config) { c.alpha = a; c.mark("alpha") }
}

// WithBeta sets Tversky's false-negative weight (default 0.5).
func WithBeta(b float64) Option {
	return func(c *config) { c.beta = b; c.mark("beta") }
}

// WithGamma sets the focal losses' focusing parameter (default 2).
func WithGamma(g float64) Option {
	return func(c *config) { c.gamma = g; c.mark("gamma") }
}

// WithClassBalancing turns on BinaryFocalCrossentropy's
// apply_class_balancing: positives weigh alpha, negatives 1-alpha.
func WithClassBalancing(on bool) Option {
	return func(c *config) { c.classBalancing = on; c.mark("apply_class_balancing") }
}

// WithIgnoreClass makes SparseCategoricalCrossentropy skip labels equal to
// class (Keras's ignore_class, often -1 or 255 for a "void" class): they add
// nothing to the loss and are not counted in the mean.
func WithIgnoreClass(class int) Option {
	return func(c *config) { c.ignoreClass = &class; c.mark("ignore_class") }
}

// newConfig applies opts over defaults for the loss called name, panicking
// on options the loss does not take (allowed lists its Keras argument
// names besides name and reduction).
func newConfig(name string, opts []Option, allowed ...string) config {
	c := config{name: name, reduction: SumOverBatchSize, axis: []int{-1}, alpha: 0.25, beta: 0.5, gamma: 2}
	for _, o := range opts {
		o(&c)
	}
	ok := map[string]bool{"name": true, "reduction": true}
	for _, a := range allowed {
		ok[a] = true
	}
	for opt := range c.set {
		if !ok[opt] {
			panic(fmt.Sprintf("losses: %s takes no %s option (it takes %s)", name, opt, strings.Join(append([]string{"name", "reduction"}, allowed...), ", ")))
		}
	}
	return c
}

// oneAxis returns the single axis of c.
func (c config) oneAxis(loss string) int {
	if len(c.axis) != 1 {
		panic(fmt.Sprintf("losses: %s takes one axis, got %v", loss, c.axis))
	}
	return c.axis[0]
}
