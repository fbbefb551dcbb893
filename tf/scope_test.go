package tf_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

func panicMessage(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r) // tf panics with typed errors (tf.Error)
		}
	}()
	fn()
	return ""
}

func TestVariableScopeNamesAndSharing(t *testing.T) {
	g := tf.NewGraph()
	var w1, w2, b *tf.Variable
	var y *tf.Tensor
	func() {
		defer g.VariableScope("original_data", false)()
		w1 = tf.GetVariable(g, "w", tensor.Shape{2, 3}, nil)
		b = tf.GetVariable(g, "b", tensor.Shape{3}, tensor.Zeros(tensor.Float32, 3))
		x := tf.Placeholder(g, tensor.Float32, tensor.Shape{-1, 2}, tf.Name("x"))
		y = tf.Add(tf.MatMul(x, w1.Tensor()), b.Tensor())
	}()
	if w1.Name() != "original_data/w:0" || b.Name() != "original_data/b:0" {
		t.Fatalf("names %s, %s; want original_data/w:0, original_data/b:0", w1.Name(), b.Name())
	}
	if !strings.HasPrefix(y.Name(), "original_data/") {
		t.Fatalf("op inside the scope is named %s, want the original_data/ prefix", y.Name())
	}
	// Glorot uniform for a (2, 3) kernel: |w| <= sqrt(6/5), not all zero.
	s := tf.NewSession(g)
	if err := tf.GlobalVariablesInitializer(g).Run(s, nil); err != nil {
		t.Fatal(err)
	}
	limit, nonzero := math.Sqrt(6.0/5), false
	for _, v := range w1.Value().Float32s() {
		if math.Abs(float64(v)) > limit {
			t.Fatalf("default initializer gave %v, outside ±%.3f", v, limit)
		}
		nonzero = nonzero || v != 0
	}
	if !nonzero {
		t.Fatal("default initializer gave zeros")
	}
	func() {
		defer g.VariableScope("original_data", true)()
		w2 = tf.GetVariable(g, "w", tensor.Shape{2, 3}, nil)
	}()
	if w2 != w1 {
		t.Fatal("a reusing scope made a new variable instead of sharing original_data/w")
	}
	func() {
		defer g.VariableScope("outer", false)()
		defer g.VariableScope("inner", false)()
		if v := tf.GetVariable(g, "k", tensor.Shape{}, float32(1)); v.Name() != "outer/inner/k:0" {
			t.Fatalf("nested scope name %s", v.Name())
		}
	}()
}

func TestGetVariableErrors(t *testing.T) {
	g := tf.NewGraph()
	func() {
		defer g.VariableScope("s", false)()
		tf.GetVariable(g, "w", tensor.Shape{2}, nil)
		if m := panicMessage(func() { tf.GetVariable(g, "w", tensor.Shape{2}, nil) }); !strings.Contains(m, "s/w already exists") {
			t.Errorf("creating twice: %q", m)
		}
	}()
	func() {
		defer g.VariableScope("s", true)()
		if m := panicMessage(func() { tf.GetVariable(g, "missing", tensor.Shape{2}, nil) }); !strings.Contains(m, "s/missing does not exist") {
			t.Errorf("reusing a missing variable: %q", m)
		}
		if m := panicMessage(func() { tf.GetVariable(g, "w", tensor.Shape{3}, nil) }); !strings.Contains(m, "shape (2,)") {
			t.Errorf("reusing with another shape: %q", m)
		}
	}()
	if m := panicMessage(func() { g.VariableScope("a/b", false) }); !strings.Contains(m, "invalid scope name") {
		t.Errorf("bad scope name: %q", m)
	}
}

func TestInteractiveSessionEval(t *testing.T) {
	g := tf.NewGraph()
	a := tf.Const(g, float32(3))
	b := tf.Mul(a, tf.Const(g, float32(4)))
	if _, err := b.Eval(nil, nil); err == nil || !strings.Contains(err.Error(), "no session") {
		t.Fatalf("Eval with no session: %v", err)
	}
	s := tf.NewInteractiveSession(g)
	v, err := b.Eval(nil, nil)
	if err != nil || v.Item() != 12 {
		t.Fatalf("Eval in the interactive session: %v, %v; want 12", v, err)
	}
	s.Close()
	if tf.DefaultSession() != nil {
		t.Fatal("closing the interactive session left it the default")
	}
	if _, err := b.Eval(nil, nil); err == nil {
		t.Fatal("Eval after closing the interactive session: no error")
	}
}
