package tf

import (
	"math"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
)

// varScope is one open variable scope.
type varScope struct {
	name  string // full name, "" at the root
	reuse bool
}

// VariableScope opens a variable scope (tf.variable_scope): GetVariable names
// the variables it creates "<scope>/<name>", and ops created until exit is
// called get the scope as their name scope. Scopes nest; with reuse (or
// inside a reusing scope) GetVariable returns the variables already created
// under the same names instead of creating new ones, which is how two parts
// of a graph share weights. Use it as: defer g.VariableScope("layer1", false)().
func (g *Graph) VariableScope(name string, reuse bool) (exit func()) {
	if name == "" || strings.Contains(name, "/") {
		panic(opErr("VariableScope", "invalid scope name %q (want a non-empty name without '/')", name))
	}
	full := name
	outer := false
	if n := len(g.varScopes); n > 0 {
		full = g.varScopes[n-1].name + "/" + name
		outer = g.varScopes[n-1].reuse
	}
	g.varScopes = append(g.varScopes, varScope{name: full, reuse: reuse || outer})
	exitNames := g.NameScope(name)
	n := len(g.varScopes) - 1
	return func() {
		exitNames()
		g.varScopes = g.varScopes[:n]
	}
}

// GetVariable returns the variable called name in the current variable
// scope (tf.get_variable), creating it if the scope does not reuse
// variables. initializer is what NewVariable takes, or a func(tensor.Shape)
// *tensor.Tensor called with shape, or nil for TensorFlow's default
// (Glorot uniform for floats, zeros otherwise); dtype is Float32 unless the
// initializer's value says otherwise. It panics, as TensorFlow raises, when a
// non-reusing scope asks for a name that exists, when a reusing one asks for
// a name that does not, or when an existing variable has another shape.
//
// GetVariable needs a graph: a nil g (eager mode) panics with a *GraphError.
func GetVariable(g *Graph, name string, shape tensor.Shape, initializer any, opts ...Option) *Variable {
	if g == nil {
		panic(nilGraph("GetVariable"))
	}
	full, reuse := name, false
	if n := len(g.varScopes); n > 0 {
		full = g.varScopes[n-1].name + "/" + name
		reuse = g.varScopes[n-1].reuse
	}
	if v, ok := g.byVarName[full]; ok {
		if !reuse {
			panic(opErr("GetVariable", "variable %s already exists; open its scope with reuse to share it", full))
		}
		if !v.shape.Equal(shape) {
			panic(opErr("GetVariable", "variable %s has shape %v, asked for %v", full, v.shape, shape))
		}
		return v
	}
	if reuse {
		panic(opErr("GetVariable", "variable %s does not exist, and its scope reuses variables", full))
	}
	var init any
	switch x := initializer.(type) {
	case nil:
		init = glorotUniform(shape)
	case func(tensor.Shape) *tensor.Tensor:
		init = x(shape)
	default:
		init = initializer
	}
	// The variable's op is named exactly as the scope says, whatever name
	// scope is open (TensorFlow keeps the two apart too).
	exit := g.NameScope("/")
	v := NewVariable(g, init, append(opts, Name(full))...)
	exit()
	if v.OpName() != full {
		panic(opErr("GetVariable", "an op called %s already exists in the graph", full))
	}
	if !v.shape.Equal(shape) {
		panic(opErr("GetVariable", "the initializer of %s gives shape %v, asked for %v", full, v.shape, shape))
	}
	if g.byVarName == nil {
		g.byVarName = map[string]*Variable{}
	}
	g.byVarName[full] = v
	return v
}

// glorotUniform draws from U(-l, l), l = sqrt(6 / (fan_in + fan_out)), with
// the fans computed as TensorFlow does for any rank.
func glorotUniform(shape tensor.Shape) *tensor.Tensor {
	fanIn, fanOut := 1.0, 1.0
	switch r := len(shape); {
	case r == 1:
		fanIn, fanOut = float64(shape[0]), float64(shape[0])
	case r >= 2:
		receptive := 1.0
		for _, d := range shape[:r-2] {
			receptive *= float64(d)
		}
		fanIn, fanOut = float64(shape[r-2])*receptive, float64(shape[r-1])*receptive
	}
	limit := math.Sqrt(6 / math.Max(1, fanIn+fanOut))
	return tensor.RandomUniform(tensor.Float32, shape, -limit, limit)
}
