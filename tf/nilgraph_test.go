package tf

import (
	"errors"
	"strings"
	"testing"
)

// A nil graph means eager mode in every constructor; graph-only ones panic
// with a *GraphError instead of building into the default graph.
func TestNilGraphMeansEager(t *testing.T) {
	ResetDefaultGraph()
	before := len(DefaultGraph().Operations())
	c := Const(nil, []float32{1, 2}, Name("c"))
	if !c.IsEager() || c.Value() == nil || c.Name() != "" {
		t.Errorf("Const(nil) = %v: want an eager value", c)
	}
	v := NewVariable(nil, []float32{3})
	if v.Graph() != nil || !v.Initialized() {
		t.Errorf("NewVariable(nil): graph %v, initialised %v", v.Graph(), v.Initialized())
	}
	if r := v.In(nil); !r.IsEager() || r.Value().Float(0) != 3 {
		t.Errorf("In(nil) = %v", r)
	}
	if GlobalVariables(nil) != nil || TrainableVariables(nil) != nil {
		t.Errorf("a nil graph has variables")
	}
	if op := GlobalVariablesInitializer(nil); op.Graph() != nil {
		t.Errorf("GlobalVariablesInitializer(nil) built into a graph")
	}
	for name, f := range map[string]func(){
		"Placeholder":           func() { Placeholder(nil, Float32, Shape{2}) },
		"NewSession":            func() { NewSession(nil) },
		"NewInteractiveSession": func() { NewInteractiveSession(nil) },
		"GetVariable":           func() { GetVariable(nil, "w", Shape{2}, nil) },
	} {
		err := Catch(f)
		var ge *GraphError
		if !errors.As(err, &ge) || !strings.Contains(err.Error(), "nil graph") || !strings.Contains(err.Error(), "DefaultGraph") {
			t.Errorf("%s(nil): %v, want a *GraphError pointing to DefaultGraph", name, err)
		}
	}
	if n := len(DefaultGraph().Operations()); n != before {
		t.Errorf("nil-graph calls added %d ops to the default graph", n-before)
	}
	// TF1-style code names the default graph and works as before.
	g := DefaultGraph()
	x := Placeholder(g, Float32, Shape{2}, Name("x"))
	y := Add(x, c) // the eager constant becomes a constant of g
	out, err := NewSession(g).Run(Feeds{x: c.Value()}, []*Tensor{y})
	if err != nil || out[0].Float(1) != 4 {
		t.Errorf("default-graph run: %v, %v", out, err)
	}
	ResetDefaultGraph()
}
