package optimizers

import (
	"fmt"
	"regexp"

	"github.com/tensorgo/tensorgo/tf"
)

// Option configures an optimizer. Options an optimizer does not use are
// ignored (Beta1 means nothing to SGD).
type Option func(*config)

type config struct {
	clipValue, clipNorm, globalClipNorm float64
	schedule                            LearningRateSchedule
	beta1, beta2, eps                   float64
	amsgrad, nesterov, centered         bool
	momentum, rho, initialAccumulator   float64
	name                                string

	weightDecay float64

	useEMA                bool
	emaMomentum           float64
	emaOverwriteFrequency int

	lrPower, l1, l2, l2Shrinkage, ftrlBeta float64
}

// defaults are Keras's values for the options every optimizer shares; an
// optimizer's constructor overrides the ones it sets differently (Lion's
// beta_2, Adadelta's rho).
func defaults() config {
	return config{beta1: 0.9, beta2: 0.999, eps: 1e-7, rho: 0.9, initialAccumulator: 0.1,
		emaMomentum: 0.99, lrPower: -0.5}
}

// check panics on arguments Keras rejects, naming the optimizer.
func (c *config) check(name string) {
	n := 0
	for _, v := range []float64{c.clipValue, c.clipNorm, c.globalClipNorm} {
		if v != 0 {
			n++
		}
	}
	if n > 1 {
		panic(fmt.Sprintf("optimizers: %s: only one of ClipNorm, ClipValue and GlobalClipNorm can be set (got clipnorm=%g, clipvalue=%g, global_clipnorm=%g)",
			name, c.clipNorm, c.clipValue, c.globalClipNorm))
	}
	if c.weightDecay < 0 {
		panic(fmt.Sprintf("optimizers: %s: weight_decay must be >= 0, got %g", name, c.weightDecay))
	}
	if c.useEMA && (c.emaMomentum < 0 || c.emaMomentum > 1) {
		panic(fmt.Sprintf("optimizers: %s: ema_momentum must be in [0, 1], got %g", name, c.emaMomentum))
	}
	if c.emaOverwriteFrequency < 0 {
		panic(fmt.Sprintf("optimizers: %s: ema_overwrite_frequency must be >= 1 (or 0 for never), got %d", name, c.emaOverwriteFrequency))
	}
}

// ClipValue clips every gradient element to [-v, v] before the update
// (Keras's clipvalue). Only one of ClipValue, ClipNorm and GlobalClipNorm
// may be given.
func ClipValue(v float64) Option { return func(c *config) { c.clipValue = v } }

// ClipNorm rescales each gradient to L2 norm at most n (Keras's clipnorm).
func ClipNorm(n float64) Option { return func(c *config) { c.clipNorm = n } }

// GlobalClipNorm rescales all gradients together to global norm at most n
// (Keras's global_clipnorm).
func GlobalClipNorm(n float64) Option { return func(c *config) { c.globalClipNorm = n } }

// Schedule makes the learning rate follow s (it replaces the constant rate).
func Schedule(s LearningRateSchedule) Option { return func(c *config) { c.schedule = s } }

// Beta1 sets the first-moment decay of Adam, AdamW, Nadam, Adamax and Lion
// (default 0.9).
func Beta1(b float64) Option { return func(c *config) { c.beta1 = b } }

// Beta2 sets the second-moment decay of Adam, AdamW, Nadam and Adamax
// (default 0.999) and Lion's momentum decay (default 0.99).
func Beta2(b float64) Option { return func(c *config) { c.beta2 = b } }

// Epsilon sets the numerical-stability constant (Keras default 1e-7).
func Epsilon(e float64) Option { return func(c *config) { c.eps = e } }

// AMSGrad enables the AMSGrad variant of Adam and AdamW.
func AMSGrad(b bool) Option { return func(c *config) { c.amsgrad = b } }

// Rho sets the decay of RMSprop (default 0.9) and Adadelta (default 0.95).
func Rho(r float64) Option { return func(c *config) { c.rho = r } }

// Momentum sets the momentum of SGD and RMSprop (default 0).
func Momentum(m float64) Option { return func(c *config) { c.momentum = m } }

// Centered makes RMSprop normalise by the centred second moment.
func Centered(b bool) Option { return func(c *config) { c.centered = b } }

// InitialAccumulator sets the starting value of Adagrad's and FTRL's
// accumulator (Keras's initial_accumulator_value, default 0.1).
func InitialAccumulator(v float64) Option { return func(c *config) { c.initialAccumulator = v } }

// WithName sets the optimizer's name.
func WithName(n string) Option { return func(c *config) { c.name = n } }

// WeightDecay makes every update first shrink each variable by
// w -= w * weightDecay * learningRate (Keras's weight_decay; decoupled, as
// in AdamW). 0 turns it off; AdamW's default is 0.004, the others' 0.
func WeightDecay(wd float64) Option { return func(c *config) { c.weightDecay = wd } }

// UseEMA makes the optimizer keep an exponential moving average of each
// variable it updates (Keras's use_ema), in a slot named "average":
// average = m*average + (1-m)*variable after each update, with m =
// EMAMomentum (the first update copies the variable). FinalizeVariableValues
// copies the averages into the variables.
func UseEMA(b bool) Option { return func(c *config) { c.useEMA = b } }

// EMAMomentum sets the moving average's momentum (Keras's ema_momentum,
// default 0.99; only used with UseEMA).
func EMAMomentum(m float64) Option { return func(c *config) { c.emaMomentum = m } }

// EMAOverwriteFrequency makes every n-th update overwrite the variables
// with their moving averages (Keras's ema_overwrite_frequency; 0, the
// default, never does; only used with UseEMA).
func EMAOverwriteFrequency(n int) Option { return func(c *config) { c.emaOverwriteFrequency = n } }

// LearningRatePower sets FTRL's learning_rate_power (default -0.5; must be
// <= 0).
func LearningRatePower(p float64) Option { return func(c *config) { c.lrPower = p } }

// L1RegularizationStrength sets FTRL's l1_regularization_strength (default 0).
func L1RegularizationStrength(l float64) Option { return func(c *config) { c.l1 = l } }

// L2RegularizationStrength sets FTRL's l2_regularization_strength (default 0).
func L2RegularizationStrength(l float64) Option { return func(c *config) { c.l2 = l } }

// L2ShrinkageRegularizationStrength sets FTRL's
// l2_shrinkage_regularization_strength (default 0): a magnitude penalty on
// the gradient only, where L2RegularizationStrength is a stabilisation
// penalty.
func L2ShrinkageRegularizationStrength(l float64) Option {
	return func(c *config) { c.l2Shrinkage = l }
}

// FTRLBeta sets FTRL's beta (default 0), which adds beta/(2*lr) to the L2
// strength as in the FTRL-proximal paper.
func FTRLBeta(b float64) Option { return func(c *config) { c.ftrlBeta = b } }

// decayFilter says which variables weight decay skips.
type decayFilter struct {
	vars    map[*tf.Variable]bool
	pattern *regexp.Regexp
}

func (f *decayFilter) excluded(v *tf.Variable) bool {
	return f.vars[v] || (f.pattern != nil && f.pattern.MatchString(v.Name()))
}
