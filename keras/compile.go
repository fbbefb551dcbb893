package keras

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/tf"
)

// compiled is what Compile fixed: optimizer, one loss per output, metric
// specifications (resolved against the data on the first Fit/Evaluate).
type compiled struct {
	opt         Optimizer
	losses      []losses.Loss
	lossWeights []float64
	metricSpecs [][]any  // per output
	replicas    Replicas // data-parallel training (DataParallel), or nil
}

// CompileOption configures Compile.
type CompileOption func(*compileConfig)

type compileConfig struct {
	metrics     []any
	lossWeights []float64
	replicas    Replicas
}

// Metrics sets the metrics to report: names ("accuracy", "mae", ...) or
// metrics.Metric objects. "accuracy" is resolved from the loss as Keras
// does (sparse categorical accuracy for sparse cross-entropy, ...).
func Metrics(ms ...any) CompileOption {
	return func(c *compileConfig) { c.metrics = append(c.metrics, ms...) }
}

// LossWeights weights the losses of a multi-output model.
func LossWeights(w ...float64) CompileOption {
	return func(c *compileConfig) { c.lossWeights = w }
}

// Compile configures training: optimizer is a name ("adam", "sgd",
// "rmsprop", "adagrad") or an Optimizer; loss is a name
// ("sparse_categorical_crossentropy", "mse", ...), a losses.Loss, a
// losses.Func or, for several outputs, a []any of those. It returns an
// error for an unknown name.
func (m *Model) Compile(optimizer any, loss any, opts ...CompileOption) error {
	var cfg compileConfig
	for _, o := range opts {
		o(&cfg)
	}
	opt, err := resolveOptimizer(optimizer)
	if err != nil {
		return err
	}
	var ls []losses.Loss
	if list, ok := loss.([]any); ok {
		for _, l := range list {
			r, err := resolveLoss(l)
			if err != nil {
				return err
			}
			ls = append(ls, r)
		}
	} else {
		r, err := resolveLoss(loss)
		if err != nil {
			return err
		}
		ls = []losses.Loss{r}
	}
	if m.kind == functionalModel {
		// The outputs are known now: say so at once, as Keras does.
		n := len(m.fnOutputs)
		if len(ls) != 1 && len(ls) != n {
			return fmt.Errorf("keras: Compile: model %s has %d outputs but %d losses were given", m.name, n, len(ls))
		}
		if cfg.lossWeights != nil && len(cfg.lossWeights) != n {
			return fmt.Errorf("keras: Compile: model %s has %d outputs but %d loss weights were given", m.name, n, len(cfg.lossWeights))
		}
	}
	for _, mt := range cfg.metrics {
		switch x := mt.(type) {
		case string:
			if l := strings.ToLower(x); l != "accuracy" && l != "acc" {
				if _, err := metrics.Get(x); err != nil {
					return fmt.Errorf("keras: Compile: %w", err)
				}
			}
		case metrics.Metric:
		default:
			return fmt.Errorf("keras: Compile: a metric must be a name or a metrics.Metric, got %T", mt)
		}
	}
	// A built model's optimizer is built now too, so that its slots can be
	// restored from a checkpoint before Fit.
	if m.Built() {
		if err := opt.Build(m.TrainableWeights()); err != nil {
			return fmt.Errorf("keras: Compile: %w", err)
		}
	}
	m.comp = &compiled{opt: opt, losses: ls, lossWeights: cfg.lossWeights, metricSpecs: [][]any{cfg.metrics}, replicas: cfg.replicas}
	m.steps = nil
	return nil
}

// Optimizer returns the compiled optimizer (nil before Compile).
func (m *Model) Optimizer() Optimizer {
	if m.comp == nil {
		return nil
	}
	return m.comp.opt
}

func resolveLoss(l any) (losses.Loss, error) {
	switch x := l.(type) {
	case string:
		r, err := losses.Get(x)
		if err != nil {
			return nil, fmt.Errorf("keras: Compile: %w", err)
		}
		return r, nil
	case losses.Loss:
		return x, nil
	case losses.Func:
		return losses.Custom("loss", x), nil
	case func(yTrue, yPred *tf.Tensor) *tf.Tensor:
		return losses.Custom("loss", x), nil
	case nil:
		return nil, fmt.Errorf("keras: Compile: no loss")
	}
	return nil, fmt.Errorf("keras: Compile: a loss must be a name, a losses.Loss or a function, got %T", l)
}
