package activations

import (
	"fmt"
	"sort"
	"strings"
)

// byName maps Keras 3's activation names (and its aliases "swish" and
// "hard_swish") to the activations with Keras's default arguments.
var byName = map[string]Func{
	"linear":         Linear,
	"relu":           Relu,
	"relu6":          Relu6,
	"leaky_relu":     LeakyRelu,
	"elu":            Elu,
	"selu":           Selu,
	"celu":           Celu,
	"gelu":           Gelu,
	"glu":            Glu,
	"sigmoid":        Sigmoid,
	"hard_sigmoid":   HardSigmoid,
	"log_sigmoid":    LogSigmoid,
	"sparse_sigmoid": SparseSigmoid,
	"tanh":           Tanh,
	"hard_tanh":      HardTanh,
	"tanh_shrink":    TanhShrink,
	"softmax":        Softmax,
	"log_softmax":    LogSoftmax,
	"softplus":       Softplus,
	"softsign":       Softsign,
	"sparse_plus":    SparsePlus,
	"squareplus":     Squareplus,
	"silu":           Silu,
	"swish":          Swish,
	"hard_silu":      HardSilu,
	"hard_swish":     HardSwish,
	"mish":           Mish,
	"exponential":    Exponential,
	"soft_shrink":    SoftShrink,
	"hard_shrink":    HardShrink,
}

// Get returns the activation Keras knows by name, with Keras's default
// arguments; "" and "linear" give Linear. An unknown name is an error
// listing the known ones.
func Get(name string) (Func, error) {
	if name == "" {
		return Linear, nil
	}
	if f, ok := byName[strings.ToLower(name)]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("activations: unknown activation %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Names lists the known activation names, sorted.
func Names() []string {
	var n []string
	for k := range byName {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}
