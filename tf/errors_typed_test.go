package tf

import (
	"errors"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func TestTypedPanicsMatchErrorsAs(t *testing.T) {
	g := NewGraph()
	a := Placeholder(g, Float32, Shape{-1, 3}, Name("a"))
	b := Placeholder(g, Float32, Shape{4, 2}, Name("b"))
	i := Placeholder(g, Int32, Shape{4}, Name("i"))

	err := Catch(func() { MatMul(a, b) })
	var se *ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("MatMul of (None, 3) and (4, 2): %v, want a *ShapeError", err)
	}
	if se.Type != "MatMul" || len(se.Inputs) != 2 || !se.Inputs[1].Shape.Equal(Shape{4, 2}) || !strings.Contains(se.Msg, "inner dimensions 3 and 4") {
		t.Errorf("ShapeError fields %+v", se)
	}
	// The message is the one the panic always had.
	if want := "tf: MatMul (MatMul) with inputs [float32 (None, 3), float32 (4, 2)]: inner dimensions 3 and 4 differ"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	var te Error
	if !errors.As(err, &te) {
		t.Errorf("a ShapeError is not a tf.Error")
	}

	err = Catch(func() { Exp(i) })
	var de *DTypeError
	if !errors.As(err, &de) || de.Type != "Exp" || de.Inputs[0].DType != Int32 {
		t.Errorf("Exp of int32: %v, want a *DTypeError", err)
	}
	if errors.As(err, &se) {
		t.Errorf("a dtype error matched *ShapeError")
	}
	if err := Catch(func() { Add(a, a) }); err != nil {
		t.Errorf("Catch of a function that does not panic: %v", err)
	}
}

func TestCatchRepanicsOtherPanics(t *testing.T) {
	defer func() {
		if r := recover(); r != "a bug" {
			t.Errorf("recovered %v, want the original panic", r)
		}
	}()
	_ = Catch(func() { panic("a bug") })
	t.Errorf("Catch swallowed a plain panic")
}

func TestRecoverDeferred(t *testing.T) {
	f := func() (err error) {
		defer Recover(&err)
		Reshape(Constant([]float32{1, 2, 3}), 2, 2)
		return nil
	}
	var se *ShapeError
	if err := f(); !errors.As(err, &se) || se.Type != "Reshape" {
		t.Errorf("Recover: %v", err)
	}
}

// Session.Run turns kernel errors (and tf's typed panics) into errors but
// lets a kernel's plain panic, a bug, go on with its stack.
func TestSessionRunLetsBugsPanic(t *testing.T) {
	def := &OpDef{Type: "ErrTestBuggy", Host: true,
		Infer:  func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{in[0]} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { panic("kernel bug") },
	}
	RegisterOp(def)
	fwdExempt[def.Type] = true
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{2})
	y := NewOp(def.Type, []*Tensor{x}, nil).Output(0)
	s := NewSession(g)
	func() {
		defer func() {
			if r := recover(); r != "kernel bug" {
				t.Errorf("Run recovered %v; want the kernel's panic to go on", r)
			}
		}()
		_, err := s.Run(Feeds{x: tensor.New(Float32, 2)}, []*Tensor{y})
		t.Errorf("Run returned %v instead of panicking", err)
	}()

	// A kernel that panics with a tf.Error: Run returns it, wrapped.
	typed := &OpDef{Type: "ErrTestTyped", Host: true,
		Infer: func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{in[0]} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error {
			panic(&ShapeError{Op: op.Name(), Type: "ErrTestTyped", Msg: "typed"})
		},
	}
	RegisterOp(typed)
	fwdExempt[typed.Type] = true
	yt := NewOp(typed.Type, []*Tensor{x}, nil).Output(0)
	_, err := s.Run(Feeds{x: tensor.New(Float32, 2)}, []*Tensor{yt})
	var se *ShapeError
	if !errors.As(err, &se) || se.Msg != "typed" || !strings.Contains(err.Error(), "Session.Run") {
		t.Errorf("typed panic in a kernel: %v", err)
	}
	// Shapes impossible only for the fed values: Run returns the
	// *ShapeError found when compiling.
	p := Placeholder(g, Float32, Shape{-1})
	bad := Add(p, Const(g, []float32{1, 2, 3}))
	_, err = s.Run(Feeds{p: tensor.New(Float32, 2)}, []*Tensor{bad})
	if !errors.As(err, &se) || se.Type != "Add" {
		t.Errorf("compiling for a bad fed shape: %v", err)
	}

	// A kernel's error is Run's error, naming the op; eager, a *KernelError.
	idx := Placeholder(g, Int32, Shape{2})
	gat := Gather(Const(g, []float32{1, 2, 3}), idx, 0)
	_, err = NewSession(g).Run(Feeds{idx: tensor.FromSlice([]int32{1, 7}, 2)}, []*Tensor{gat})
	if err == nil || !strings.Contains(err.Error(), "Gather") || !strings.Contains(err.Error(), "index 7") {
		t.Errorf("Gather out of range: %v", err)
	}
	err = Catch(func() { Gather(Constant([]float32{1, 2, 3}), Constant([]int32{-1}), 0) })
	var ke *KernelError
	if !errors.As(err, &ke) || ke.Op != "Gather" || !strings.Contains(err.Error(), "index -1") {
		t.Errorf("eager Gather out of range: %v", err)
	}
	// Integer division by zero is the kernel's error, not a crash.
	err = Catch(func() { FloorDiv(Constant([]int32{4}), Constant([]int32{0})) })
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("integer division by zero: %v", err)
	}
}

func TestGradientShapeCheck(t *testing.T) {
	def := &OpDef{Type: "ErrTestBadGrad", Host: true,
		Infer:  func(op *Operation, in []TensorSpec) []TensorSpec { return []TensorSpec{in[0]} },
		Kernel: func(op *Operation, in, out []*tensor.Tensor) error { out[0].CopyFrom(in[0]); return nil },
		Grad: func(op *Operation, dys []*Tensor, need []bool) []*Tensor {
			return []*Tensor{ReduceSum(dys[0], []int{1}, false)} // drops a dimension
		},
	}
	RegisterOp(def)
	fwdExempt[def.Type], fdExempt[def.Type] = true, true
	g := NewGraph()
	x := Placeholder(g, Float32, Shape{-1, 3})
	y := NewOp(def.Type, []*Tensor{x}, nil, Name("bad")).Output(0)
	err := Catch(func() { Gradients([]*Tensor{ReduceSum(y, nil, false)}, []*Tensor{x}) })
	var se *ShapeError
	if !errors.As(err, &se) {
		t.Fatalf("Gradients through a wrong-shaped gradient: %v, want a *ShapeError", err)
	}
	for _, w := range []string{"bad", "ErrTestBadGrad", "(None,)", "(None, 3)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message %q does not name %q", err.Error(), w)
		}
	}
	// Unknown dimensions are not a mismatch.
	x2 := Placeholder(g, Float32, Shape{-1, 3})
	gr := Gradients([]*Tensor{ReduceSum(Mul(x2, x2), nil, false)}, []*Tensor{x2})
	if gr[0] == nil || !gr[0].Shape().Equal(Shape{-1, 3}) {
		t.Errorf("gradient of x*x: %v", gr[0])
	}
}
