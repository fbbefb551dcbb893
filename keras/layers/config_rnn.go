package layers

import (
	"github.com/tensorgo/tensorgo/tensor"
)

// Keras 3's configs of the recurrent layers and Embedding, for model files.
// The recurrent layers keep their variables in their cell's group
// ("cell/vars": kernel, recurrent_kernel, bias), as Keras writes them.

func init() {
	for _, cell := range []string{"SimpleRNN", "LSTM", "GRU"} {
		cell := cell
		RegisterSerializer(Serializer{
			ClassName:    cell,
			GetConfig:    recurrentConfig,
			FromConfig:   func(r *ConfigReader) (Layer, error) { return recurrentFromConfig(cell, r) },
			VarsPath:     "cell/vars",
			WeightShapes: recurrentWeightShapes,
		})
	}
	RegisterSerializer(Serializer{
		ClassName: "Embedding",
		GetConfig: func(l Layer) (map[string]any, error) {
			e := l.(*EmbeddingLayer)
			reg, err := regularizerJSON(e.Name(), "embeddings_regularizer", e.reg)
			if err != nil {
				return nil, err
			}
			return map[string]any{
				"input_dim": e.InputDim, "output_dim": e.OutputDim, "mask_zero": e.MaskZero,
				"embeddings_initializer": KerasObject("keras.initializers", "RandomUniform",
					map[string]any{"minval": -0.05, "maxval": 0.05, "seed": nil}),
				"embeddings_regularizer": reg, "activity_regularizer": nil, "embeddings_constraint": nil,
			}, nil
		},
		FromConfig: func(r *ConfigReader) (Layer, error) {
			in, out := r.Int("input_dim", 0), r.Int("output_dim", 0)
			if in <= 0 && r.Err() == nil {
				r.Fail("input_dim", "must be a positive integer, got %v", r.Config["input_dim"])
			}
			if out <= 0 && r.Err() == nil {
				r.Fail("output_dim", "must be a positive integer, got %v", r.Config["output_dim"])
			}
			if r.Has("embeddings_constraint") {
				r.Fail("embeddings_constraint", "constraints are not supported")
			}
			if n := r.Int("lora_rank", 0); n != 0 {
				r.Fail("lora_rank", "LoRA is not supported")
			}
			opts := append(r.BaseOptions(), MaskZero(r.Bool("mask_zero", false)))
			if reg := regularizerFromJSON(r, "embeddings_regularizer"); reg != nil {
				opts = append(opts, EmbeddingsRegularizer(reg))
			}
			if r.Err() != nil {
				return nil, r.Err()
			}
			return Embedding(in, out, opts...), nil
		},
		WeightShapes: func(l Layer, _ []tensor.Shape) []tensor.Shape {
			e := l.(*EmbeddingLayer)
			return []tensor.Shape{{e.InputDim, e.OutputDim}}
		},
	})
}

func recurrentConfig(l Layer) (map[string]any, error) {
	rl := l.(*RecurrentLayer)
	c, err := cellEntries(rl)
	if err != nil {
		return nil, err
	}
	for k, v := range rnnFlags(rl) {
		c[k] = v
	}
	c["activity_regularizer"] = nil
	if rl.Cell != "SimpleRNN" {
		c["use_cudnn"] = "auto"
	}
	return c, nil
}

// rnnFlags are the layer-level entries of Keras's RNN base class.
func rnnFlags(rl *RecurrentLayer) map[string]any {
	return map[string]any{
		"return_sequences": rl.ReturnSequences, "return_state": rl.ReturnState, "go_backwards": rl.GoBackwards,
		"stateful": rl.Stateful, "unroll": false, "zero_output_for_mask": rl.ZeroOutputForMask,
	}
}

// cellEntries are the entries Keras's SimpleRNNCell, LSTMCell and GRUCell
// write (and the layers SimpleRNN, LSTM and GRU with them).
func cellEntries(rl *RecurrentLayer) (map[string]any, error) {
	kr, err := regularizerJSON(rl.Name(), "kernel_regularizer", rl.kernelReg)
	if err != nil {
		return nil, err
	}
	rr, err := regularizerJSON(rl.Name(), "recurrent_regularizer", rl.recurrentReg)
	if err != nil {
		return nil, err
	}
	br, err := regularizerJSON(rl.Name(), "bias_regularizer", rl.biasReg)
	if err != nil {
		return nil, err
	}
	var seed any
	if len(rl.seed) > 0 {
		seed = rl.seed[0]
	}
	c := map[string]any{
		"units": rl.Units, "activation": rl.ActivationName, "use_bias": rl.UseBias,
		"kernel_initializer":    KerasObject("keras.initializers", "GlorotUniform", map[string]any{"seed": nil}),
		"recurrent_initializer": KerasObject("keras.initializers", "Orthogonal", map[string]any{"gain": 1.0, "seed": nil}),
		"bias_initializer":      KerasObject("keras.initializers", "Zeros", map[string]any{}),
		"kernel_regularizer":    kr, "recurrent_regularizer": rr, "bias_regularizer": br,
		"kernel_constraint": nil, "recurrent_constraint": nil, "bias_constraint": nil,
		"dropout": rl.DropoutRate, "recurrent_dropout": recurrentDropoutRate(rl), "seed": seed,
	}
	switch rl.Cell {
	case "LSTM":
		c["recurrent_activation"] = "sigmoid"
		c["unit_forget_bias"] = rl.UnitForgetBias
	case "GRU":
		c["recurrent_activation"] = "sigmoid"
		c["reset_after"] = rl.ResetAfter
	}
	return c, nil
}

// recurrentDropoutRate returns the layer's recurrent dropout rate.
func recurrentDropoutRate(rl *RecurrentLayer) float64 { return rl.RecurrentDropoutRate() }

func recurrentFromConfig(cell string, r *ConfigReader) (Layer, error) {
	units := r.Int("units", 0)
	if units <= 0 && r.Err() == nil {
		r.Fail("units", "must be a positive integer, got %v", r.Config["units"])
	}
	opts := append(r.BaseOptions(), cellOptionsFromConfig(cell, r)...)
	opts = append(opts, rnnFlagOptions(r)...)
	if r.Err() != nil {
		return nil, r.Err()
	}
	return construct(cell, func() Layer {
		return newRecurrent(cell, units, cellExtra(cell), opts)
	})
}

// rnnFlagOptions reads the layer-level entries of Keras's RNN base class.
func rnnFlagOptions(r *ConfigReader) []Option {
	return []Option{ReturnSequences(r.Bool("return_sequences", false)), ReturnState(r.Bool("return_state", false)),
		GoBackwards(r.Bool("go_backwards", false)), Stateful(r.Bool("stateful", false)),
		ZeroOutputForMask(r.Bool("zero_output_for_mask", false)), Unroll(r.Bool("unroll", false))}
}

// cellOptionsFromConfig reads the cell-level entries (see cellEntries),
// recording the first unsupported one.
func cellOptionsFromConfig(cell string, r *ConfigReader) []Option {
	act := r.String("activation", "tanh")
	switch act {
	case "tanh", "relu", "linear", "sigmoid":
	default:
		r.Fail("activation", "%q is not supported by the fused kernels (tanh, relu, linear or sigmoid)", act)
		act = "tanh"
	}
	if ra := r.String("recurrent_activation", "sigmoid"); ra != "sigmoid" {
		r.Fail("recurrent_activation", "only sigmoid is supported, got %q", ra)
	}
	for _, key := range []string{"kernel_constraint", "recurrent_constraint", "bias_constraint"} {
		if r.Has(key) {
			r.Fail(key, "constraints are not supported")
		}
	}
	if d := r.Float("dropout", 0); d < 0 || d >= 1 {
		r.Fail("dropout", "must be in [0, 1), got %v", d)
	}
	rd := r.Float("recurrent_dropout", 0)
	if rd < 0 || rd >= 1 {
		r.Fail("recurrent_dropout", "must be in [0, 1), got %v", rd)
	}
	opts := []Option{Activation(act), UseBias(r.Bool("use_bias", true)), RNNDropout(r.Float("dropout", 0))}
	if rd != 0 {
		opts = append(opts, RecurrentDropout(rd))
	}
	if r.Has("seed") {
		opts = append(opts, Seed(int64(r.Int("seed", 0))))
	}
	for _, p := range []struct {
		key string
		opt func(any) Option
	}{{"kernel_regularizer", KernelRegularizer}, {"recurrent_regularizer", RecurrentRegularizer}, {"bias_regularizer", BiasRegularizer}} {
		if reg := regularizerFromJSON(r, p.key); reg != nil {
			opts = append(opts, p.opt(reg))
		}
	}
	switch cell {
	case "LSTM":
		opts = append(opts, UnitForgetBias(r.Bool("unit_forget_bias", true)))
	case "GRU":
		opts = append(opts, ResetAfter(r.Bool("reset_after", true)))
	}
	return opts
}

// recurrentWeightShapes: kernel (features, gates·units), recurrent kernel
// (units, gates·units), bias (gates·units) or (2, 3·units).
func recurrentWeightShapes(l Layer, in []tensor.Shape) []tensor.Shape {
	rl := l.(*RecurrentLayer)
	if len(in) < 1 || len(in[0]) != 3 || in[0][2] < 0 {
		return nil
	}
	w := rl.gates() * rl.Units
	out := []tensor.Shape{{in[0][2], w}, {rl.Units, w}}
	if rl.UseBias {
		if rl.Cell == "GRU" && rl.ResetAfter {
			out = append(out, tensor.Shape{2, w})
		} else {
			out = append(out, tensor.Shape{w})
		}
	}
	return out
}
