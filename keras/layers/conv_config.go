package layers

import (
	"fmt"

	"github.com/tensorgo/tensorgo/tensor"
)

// The serializers of the convolution layers (Conv1D, Conv2D,
// Conv2DTranspose, DepthwiseConv2D, SeparableConv2D), with the entries
// Keras 3's get_config writes for them. Their variables are in Keras's
// order already: kernel (or depthwise_kernel, pointwise_kernel), bias.
func init() {
	for _, class := range []string{"Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"} {
		class := class
		RegisterSerializer(Serializer{
			ClassName:    class,
			GetConfig:    convConfig,
			FromConfig:   func(r *ConfigReader) (Layer, error) { return convFromConfig(class, r) },
			WeightShapes: convWeightShapes,
		})
	}
}

func convConfig(l Layer) (map[string]any, error) {
	c := l.(*ConvLayer)
	class := c.ClassName()
	if c.ActivationName == "" {
		return nil, fmt.Errorf("layers: %s (%s) cannot be saved: its activation is a Go function, not a Keras activation name", c.Name(), class)
	}
	kr, err := regularizerJSON(c.Name(), "kernel_regularizer", c.kernelReg)
	if err != nil {
		return nil, err
	}
	br, err := regularizerJSON(c.Name(), "bias_regularizer", c.biasReg)
	if err != nil {
		return nil, err
	}
	ar, err := activityRegularizerJSON(l)
	if err != nil {
		return nil, err
	}
	cfg := map[string]any{
		"kernel_size": ints(c.KernelSize), "strides": ints(c.Strides), "padding": c.Padding,
		"data_format": "channels_last", "dilation_rate": ints(c.DilationRate),
		"activation": c.ActivationName, "use_bias": c.UseBias,
		"bias_initializer": initializerJSON("Zeros"), "bias_regularizer": br,
		"activity_regularizer": ar, "bias_constraint": nil,
	}
	switch class {
	case "Conv1D", "Conv2D", "Conv2DTranspose":
		cfg["filters"] = c.Filters
		cfg["kernel_initializer"] = initializerJSON("GlorotUniform")
		cfg["kernel_regularizer"], cfg["kernel_constraint"] = kr, nil
		if class == "Conv2DTranspose" {
			cfg["output_padding"] = nil
		} else {
			cfg["groups"] = c.Groups
		}
	case "DepthwiseConv2D", "SeparableConv2D":
		cfg["depth_multiplier"] = c.DepthMultiplier
		cfg["depthwise_initializer"] = initializerJSON("GlorotUniform")
		cfg["depthwise_regularizer"], cfg["depthwise_constraint"] = kr, nil
		if class == "SeparableConv2D" {
			cfg["filters"] = c.Filters
			cfg["pointwise_initializer"] = initializerJSON("GlorotUniform")
			cfg["pointwise_regularizer"], cfg["pointwise_constraint"] = nil, nil
		}
	}
	return cfg, nil
}

func convFromConfig(class string, r *ConfigReader) (Layer, error) {
	rank := 2
	if class == "Conv1D" {
		rank = 1
	}
	filters := 0
	if class != "DepthwiseConv2D" {
		filters = r.Int("filters", 0)
		if (filters <= 0 || filters > 1<<20) && r.Err() == nil {
			r.Fail("filters", "must be a positive integer, got %v", r.Config["filters"])
		}
	}
	ks := tupleEntry(r, "kernel_size", rank, 0, 1)
	opts := r.BaseOptions()
	opts = append(opts,
		Strides(tupleEntry(r, "strides", rank, 1, 1)...),
		Padding(paddingEntry(r, class == "Conv1D")),
		DilationRate(tupleEntry(r, "dilation_rate", rank, 1, 1)...),
		UseBias(r.Bool("use_bias", true)),
		activityRegularizerOption(r))
	channelsLast(r)
	kernelKey := "kernel"
	switch class {
	case "Conv1D", "Conv2D":
		if g := r.Int("groups", 1); g != 1 {
			if g < 1 || filters%g != 0 {
				r.Fail("groups", "must be positive and divide filters %d, got %d", filters, g)
			}
			opts = append(opts, Groups(g))
		}
	case "Conv2DTranspose":
		noEntries(r, "output_padding is", "output_padding")
	case "DepthwiseConv2D", "SeparableConv2D":
		kernelKey = "depthwise"
		m := r.Int("depth_multiplier", 1)
		if (m < 1 || m > 1<<20) && r.Err() == nil {
			r.Fail("depth_multiplier", "must be a positive integer, got %d", m)
		}
		opts = append(opts, DepthMultiplier(m))
		noEntries(r, "constraints are", "pointwise_constraint")
		noEntries(r, "a pointwise regularizer is", "pointwise_regularizer")
	}
	noEntries(r, "constraints are", kernelKey+"_constraint", "bias_constraint")
	noEntries(r, "LoRA is", "lora_rank")
	if reg := regularizerFromJSON(r, kernelKey+"_regularizer"); reg != nil {
		opts = append(opts, KernelRegularizer(reg))
	}
	if reg := regularizerFromJSON(r, "bias_regularizer"); reg != nil {
		opts = append(opts, BiasRegularizer(reg))
	}
	act := r.Activation("activation")
	if r.Err() != nil {
		return nil, r.Err()
	}
	a, err := safeActivation(act, nil)
	if err != nil {
		return nil, err
	}
	opts = append(opts, a.(*ActivationLayer))
	return construct(class, func() Layer {
		switch class {
		case "Conv1D":
			return Conv1D(filters, ks[0], opts...)
		case "Conv2D":
			return Conv2D(filters, ks, opts...)
		case "Conv2DTranspose":
			return Conv2DTranspose(filters, ks, opts...)
		case "DepthwiseConv2D":
			return DepthwiseConv2D(ks, opts...)
		}
		return SeparableConv2D(filters, ks, opts...)
	})
}

// convWeightShapes returns the shapes Build will give the kernel(s) and
// bias for inputs of the given shape.
func convWeightShapes(l Layer, in []tensor.Shape) []tensor.Shape {
	c := l.(*ConvLayer)
	if len(in) != 1 || len(in[0]) != c.rank+2 || in[0][len(in[0])-1] < 1 {
		return nil
	}
	ch := in[0][len(in[0])-1]
	ks := tensor.Shape(ints(c.KernelSize))
	filters := c.Filters
	var out []tensor.Shape
	switch c.ClassName() {
	case "Conv1D", "Conv2D":
		out = append(out, append(ks, ch/c.Groups, filters))
	case "Conv2DTranspose":
		out = append(out, append(ks, filters, ch))
	case "DepthwiseConv2D":
		filters = ch * c.DepthMultiplier
		out = append(out, append(ks, ch, c.DepthMultiplier))
	case "SeparableConv2D":
		out = append(out, append(ks, ch, c.DepthMultiplier), tensor.Shape{1, 1, ch * c.DepthMultiplier, filters})
	}
	if c.UseBias {
		out = append(out, tensor.Shape{filters})
	}
	return out
}
