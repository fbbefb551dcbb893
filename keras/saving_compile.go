package keras

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/optimizers"
)

// kerasOptimizerClasses maps tensorgo's optimizer names (lower case) to
// Keras's class names.
var kerasOptimizerClasses = map[string]string{
	"sgd": "SGD", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adadelta": "Adadelta", "adam": "Adam",
	"adamw": "AdamW", "nadam": "Nadam", "adamax": "Adamax", "ftrl": "Ftrl", "lion": "Lion",
}

// logitsLossClasses are the losses whose from_logits flag must be kept,
// with their Keras class names.
var logitsLossClasses = map[string]string{
	"binary_crossentropy":             "BinaryCrossentropy",
	"categorical_crossentropy":        "CategoricalCrossentropy",
	"sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
	"binary_focal_crossentropy":       "BinaryFocalCrossentropy",
	"categorical_focal_crossentropy":  "CategoricalFocalCrossentropy",
}

// compileConfigJSON returns Keras's compile_config for a compiled model,
// or nil when the model is not compiled or its optimizer or losses have no
// Keras name (custom ones). The optimizer is written with its class and
// learning rate; its other settings are Keras's defaults when read back
// (tensorgo's optimizers do not describe their settings yet).
func (m *Model) compileConfigJSON() map[string]any {
	c := m.comp
	if c == nil {
		return nil
	}
	cls, ok := kerasOptimizerClasses[strings.ToLower(c.opt.Name())]
	if !ok {
		return nil
	}
	var ls []any
	for _, l := range c.losses {
		name := l.Name()
		if _, err := losses.Get(name); err != nil {
			return nil
		}
		if lc, ok := logitsLossClasses[name]; ok && losses.FromLogits(l) {
			ls = append(ls, layers.KerasObject("keras.losses", lc, map[string]any{"name": name, "reduction": "sum_over_batch_size", "from_logits": true}))
		} else {
			ls = append(ls, name)
		}
	}
	var loss any = ls
	if len(ls) == 1 {
		loss = ls[0]
	}
	var ms []any
	if len(c.metricSpecs) > 0 {
		for _, mt := range c.metricSpecs[0] {
			switch x := mt.(type) {
			case string:
				ms = append(ms, x)
			case metrics.Metric:
				ms = append(ms, x.Name())
			}
		}
	}
	var lw any
	if c.lossWeights != nil {
		lw = c.lossWeights
	}
	opt := layers.KerasObject("keras.optimizers", cls, map[string]any{
		"name": strings.ToLower(cls), "learning_rate": c.opt.LearningRate(),
	})
	var metricsJSON any
	if ms != nil {
		metricsJSON = ms
	}
	return map[string]any{"optimizer": opt, "loss": loss, "loss_weights": lw, "metrics": metricsJSON,
		"weighted_metrics": nil, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false}
}

// compileFromConfig compiles m from a Keras compile_config.
func (m *Model) compileFromConfig(cc map[string]any) error {
	optObj := cc["optimizer"]
	var opt Optimizer
	switch x := optObj.(type) {
	case string:
		o, err := optimizers.Get(x)
		if err != nil {
			return fmt.Errorf("keras: compile_config: %w", err)
		}
		opt = o
	case map[string]any:
		cls, _ := x["class_name"].(string)
		o, err := optimizers.Get(cls)
		if err != nil {
			return fmt.Errorf("keras: compile_config: %w", err)
		}
		cfg, _ := x["config"].(map[string]any)
		r := layers.NewConfigReader(cls, cfg)
		if lr := r.Float("learning_rate", -1); lr >= 0 {
			o.SetLearningRate(lr)
		} else if r.Has("learning_rate") {
			return fmt.Errorf("keras: compile_config: optimizer %s: learning-rate schedules are not supported", cls)
		}
		opt = o
	default:
		return fmt.Errorf("keras: compile_config: optimizer is a %T, want a name or an object", optObj)
	}
	loss, err := lossFromJSON(cc["loss"])
	if err != nil {
		return err
	}
	var opts []CompileOption
	if list, ok := cc["metrics"].([]any); ok {
		for _, mt := range list {
			switch x := mt.(type) {
			case string:
				opts = append(opts, Metrics(x))
			case map[string]any:
				cls, _ := x["class_name"].(string)
				opts = append(opts, Metrics(cls))
			case nil:
			default:
				return fmt.Errorf("keras: compile_config: metric %v is not supported", mt)
			}
		}
	}
	if lw, ok := cc["loss_weights"].([]any); ok {
		ws := make([]float64, len(lw))
		for i, v := range lw {
			f, ok := v.(float64)
			if !ok {
				return fmt.Errorf("keras: compile_config: loss_weights[%d] is not a number", i)
			}
			ws[i] = f
		}
		opts = append(opts, LossWeights(ws...))
	}
	return m.Compile(opt, loss, opts...)
}

func lossFromJSON(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case map[string]any:
		cls, _ := x["class_name"].(string)
		if cls == "" {
			return nil, fmt.Errorf("keras: compile_config: loss object without class_name")
		}
		cfg, _ := x["config"].(map[string]any)
		if fl, _ := cfg["from_logits"].(bool); fl {
			switch cls {
			case "BinaryCrossentropy":
				return losses.BinaryCrossentropy(true), nil
			case "CategoricalCrossentropy":
				return losses.CategoricalCrossentropy(true), nil
			case "SparseCategoricalCrossentropy":
				return losses.SparseCategoricalCrossentropy(true), nil
			case "BinaryFocalCrossentropy":
				return losses.BinaryFocalCrossentropy(true), nil
			case "CategoricalFocalCrossentropy":
				return losses.CategoricalFocalCrossentropy(true), nil
			}
			return nil, fmt.Errorf("keras: compile_config: loss %s with from_logits is not supported", cls)
		}
		return cls, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			l, err := lossFromJSON(e)
			if err != nil {
				return nil, err
			}
			if _, nested := l.([]any); nested {
				return nil, fmt.Errorf("keras: compile_config: nested loss lists are not supported")
			}
			out[i] = l
		}
		return out, nil
	}
	return nil, fmt.Errorf("keras: compile_config: loss is a %T, want a name, an object or a list", v)
}
