package tf

import (
	"fmt"
	"strings"
)

// Error is implemented by the typed values that tf's programming-error
// panics carry (*ShapeError, *DTypeError, *OpError, *AttrError,
// *DeviceError, *GraphError, *KernelError). Catch and Recover turn exactly those panics into returned
// errors; errors.As finds the concrete type.
type Error interface {
	error
	tfError()
}

// ShapeError reports an op built (or run) with shapes it cannot take: the
// op's name and type, its input specs and what was expected.
type ShapeError struct {
	Op     string       // the op's name ("dense/MatMul"), or its type for an eager op
	Type   string       // the op type ("MatMul")
	Inputs []TensorSpec // the inputs' dtypes and shapes
	Msg    string       // what was expected
}

func (e *ShapeError) Error() string { return opMessage(e.Op, e.Type, e.Inputs, e.Msg) }
func (*ShapeError) tfError()        {}

// DTypeError reports an op given inputs of dtypes it does not support.
type DTypeError struct {
	Op     string       // the op's name, or its type for an eager op
	Type   string       // the op type
	Inputs []TensorSpec // the inputs' dtypes and shapes
	Msg    string       // what was expected
}

func (e *DTypeError) Error() string { return opMessage(e.Op, e.Type, e.Inputs, e.Msg) }
func (*DTypeError) tfError()        {}

// AttrError reports an attribute value of the wrong type, or too many
// attribute values, for an op.
type AttrError struct {
	Op   string // the op type
	Name string // the attribute, "" when the error concerns them all
	Msg  string
}

func (e *AttrError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("tf: %s: %s", e.Op, e.Msg)
	}
	return fmt.Sprintf("tf: %s: attribute %s: %s", e.Op, e.Name, e.Msg)
}
func (*AttrError) tfError() {}

// DeviceError reports a device string that is not a device specification
// ("/job:worker/replica:0/task:0/device:CPU:0", "/cpu:0", "/device:GPU:1").
type DeviceError struct {
	Device string // the string as given
	Msg    string // what is wrong with it
}

func (e *DeviceError) Error() string {
	return fmt.Sprintf("tf: invalid device %q: %s", e.Device, e.Msg)
}
func (*DeviceError) tfError() {}

// OpError reports a misuse of an op or graph function that is not about
// shapes or dtypes: an axis out of range, an empty input list, tensors of
// different graphs, a variable name already taken.
type OpError struct {
	Op  string // the op or function ("Concat", "GetVariable"); may be ""
	Msg string
}

func (e *OpError) Error() string {
	if e.Op == "" {
		return "tf: " + e.Msg
	}
	return "tf: " + e.Op + ": " + e.Msg
}
func (*OpError) tfError() {}

func opErr(op, format string, args ...any) *OpError {
	return &OpError{Op: op, Msg: fmt.Sprintf(format, args...)}
}

// normAxis is tensor.NormAxis panicking with an *OpError.
func normAxis(op string, axis, rank int) int {
	if axis < -rank || axis >= rank {
		panic(opErr(op, "axis %d is out of range for a tensor of rank %d (want -%d <= axis < %d)", axis, rank, rank, rank))
	}
	if axis < 0 {
		axis += rank
	}
	return axis
}

// GraphError reports a graph-only constructor (Placeholder, NewSession,
// GetVariable) called with a nil graph, which means eager mode.
type GraphError struct {
	Func string // the constructor
	Msg  string
}

func (e *GraphError) Error() string { return fmt.Sprintf("tf: %s: %s", e.Func, e.Msg) }
func (*GraphError) tfError()        {}

func nilGraph(fn string) *GraphError {
	return &GraphError{Func: fn, Msg: "nil graph: a nil *Graph means eager mode, which has no " + map[string]string{
		"Placeholder": "placeholders (use Constant for a value)", "NewSession": "sessions (eager ops compute at once)",
		"GetVariable": "variable scopes (use NewVariable(nil, ...))"}[fn] + "; TF1-style code passes tf.DefaultGraph() or a NewGraph()"}
}

// KernelError is an eager op's kernel failing on its input values (an index
// out of range, say): eager ops panic with it as graph-mode Session.Run
// returns the error.
type KernelError struct {
	Op  string // the op type
	Err error  // the kernel's error
}

func (e *KernelError) Error() string { return fmt.Sprintf("tf: %s: %v", e.Op, e.Err) }
func (e *KernelError) Unwrap() error { return e.Err }
func (*KernelError) tfError()        {}

func opMessage(name, typ string, in []TensorSpec, msg string) string {
	var b strings.Builder
	for i, s := range in {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%v %v", s.DType, s.Shape)
	}
	return fmt.Sprintf("tf: %s (%s) with inputs [%s]: %s", name, typ, b.String(), msg)
}

// Catch calls fn and returns the tf.Error it panics with, or nil. Any other
// panic (a bug rather than a misuse of an op) goes on with its stack.
func Catch(fn func()) (err error) {
	defer Recover(&err)
	fn()
	return nil
}

// Recover, deferred, stores a panicking tf.Error in *err and stops the
// panic; any other panic goes on. Use it as: defer tf.Recover(&err).
func Recover(err *error) {
	if e := caught(recover()); e != nil {
		*err = e
	}
}

// caught returns a recovered tf.Error, nil for no panic, and panics again
// with anything else. Deferred closures call it with recover() (which
// works only when the deferred function calls it itself).
func caught(r any) error {
	if r == nil {
		return nil
	}
	if e, ok := r.(Error); ok {
		return e
	}
	panic(r)
}

// shapePanic panics with a *ShapeError naming the op and its input shapes.
func shapePanic(op *Operation, in []TensorSpec, format string, args ...any) {
	panic(&ShapeError{Op: opLabel(op), Type: op.def.Type, Inputs: append([]TensorSpec(nil), in...), Msg: fmt.Sprintf(format, args...)})
}

// dtypePanic panics with a *DTypeError naming the op and its inputs.
func dtypePanic(op *Operation, in []TensorSpec, format string, args ...any) {
	panic(&DTypeError{Op: opLabel(op), Type: op.def.Type, Inputs: append([]TensorSpec(nil), in...), Msg: fmt.Sprintf(format, args...)})
}

func opLabel(op *Operation) string {
	if op.name == "" {
		return op.def.Type
	}
	return op.name
}
