package onnx

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Keras is what ExportKeras needs of a Keras model: its inference graph's
// inputs and outputs (keras.Model has them once built).
type Keras interface {
	Inputs() []*tf.Tensor
	Outputs() []*tf.Tensor
}

// ExportKeras converts a built Keras model (Sequential, functional or
// subclassed) to an ONNX model that computes its inference outputs.
func ExportKeras(m Keras) (*Model, error) {
	return ExportGraph(m.Inputs(), m.Outputs())
}

// ExportGraph converts the part of a tf graph that computes outputs from
// inputs (placeholders) into an ONNX model, pruned to what the outputs
// need. Variables become initializers holding their current values; the
// batch dimension (an unknown first dimension) stays dynamic. An op ONNX
// cannot express (or that tensorgo does not know how to express yet) is an
// error that lists every such op of the graph.
func ExportGraph(inputs, outputs []*tf.Tensor) (*Model, error) {
	if len(outputs) == 0 {
		return nil, fmt.Errorf("onnx: ExportGraph: no outputs")
	}
	ex := &exporter{model: &Model{ProducerName: "tensorgo", Opsets: map[string]int64{"": DefaultOpset},
		Graph: Graph{Name: "tensorgo", Initializers: map[string]*tensor.Tensor{}}}, inputs: map[*tf.Operation]bool{}}
	for _, in := range inputs {
		ex.inputs[in.Op()] = true
		shape := append([]int(nil), in.Shape()...)
		params := make([]string, len(shape))
		for i, d := range shape {
			if d < 0 {
				params[i] = "batch"
				if i > 0 {
					params[i] = fmt.Sprintf("d%d", i)
				}
			}
		}
		ex.model.Graph.Inputs = append(ex.model.Graph.Inputs, Value{Name: in.Name(), DType: in.DType(), Shape: shape, DimParams: params})
	}
	// Post-order walk from the outputs: each op after its inputs.
	var order []*tf.Operation
	seen := map[*tf.Operation]bool{}
	var visit func(op *tf.Operation)
	visit = func(op *tf.Operation) {
		if seen[op] {
			return
		}
		seen[op] = true
		if !ex.inputs[op] {
			for _, in := range op.Inputs() {
				visit(in.Op())
			}
		}
		order = append(order, op)
	}
	for _, o := range outputs {
		visit(o.Op())
	}
	var unsupported []string
	for _, op := range order {
		if ex.inputs[op] {
			continue
		}
		if err := ex.convert(op); err != nil {
			if u, ok := err.(unsupportedError); ok {
				unsupported = append(unsupported, string(u))
				continue
			}
			return nil, err
		}
	}
	if len(unsupported) > 0 {
		sort.Strings(unsupported)
		return nil, fmt.Errorf("onnx: cannot export %d op(s): %s", len(unsupported), strings.Join(unsupported, "; "))
	}
	for _, o := range outputs {
		ex.model.Graph.Outputs = append(ex.model.Graph.Outputs, Value{Name: ex.name(o), DType: o.DType(), Shape: batchShape(o.Shape())})
	}
	return ex.model, nil
}

type unsupportedError string

func (e unsupportedError) Error() string { return string(e) }

func batchShape(s tensor.Shape) []int { return append([]int(nil), s...) }

type exporter struct {
	model  *Model
	inputs map[*tf.Operation]bool
	n      int
}

// name is the ONNX value name of a tf tensor.
func (ex *exporter) name(t *tf.Tensor) string { return t.Name() }

func (ex *exporter) node(op string, ins []string, outs []string, attrs map[string]Attr) {
	ex.n++
	if attrs == nil {
		attrs = map[string]Attr{}
	}
	ex.model.Graph.Nodes = append(ex.model.Graph.Nodes, Node{Name: fmt.Sprintf("%s_%d", op, ex.n), OpType: op, Inputs: ins, Outputs: outs, Attrs: attrs})
}

// constant adds an initializer and returns its name.
func (ex *exporter) constant(base string, t *tensor.Tensor) string {
	ex.n++
	name := fmt.Sprintf("%s_const_%d", base, ex.n)
	ex.model.Graph.Initializers[name] = t
	return name
}

func ints(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func intsAttr(v []int) Attr { return Attr{Kind: AttrInts, Ints: ints(v)} }
func intAttr(v int) Attr    { return Attr{Kind: AttrInt, Int: int64(v)} }

// elementwise maps tf's one-to-one elementwise ops to ONNX's.
var elementwise = map[string]string{
	"Add": "Add", "BiasAdd": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div", "Maximum": "Max", "Minimum": "Min",
	"Pow": "Pow", "Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Exp": "Exp", "Log": "Log", "Abs": "Abs",
	"Neg": "Neg", "Sqrt": "Sqrt", "Reciprocal": "Reciprocal", "Floor": "Floor", "Ceil": "Ceil", "Round": "Round",
	"Sign": "Sign", "Sin": "Sin", "Cos": "Cos", "Tan": "Tan", "Erf": "Erf", "Elu": "Elu", "Selu": "Selu",
	"Softplus": "Softplus", "Softsign": "Softsign", "Identity": "Identity", "StopGradient": "Identity",
	"Equal": "Equal", "Greater": "Greater", "Less": "Less", "GreaterEqual": "GreaterOrEqual", "LessEqual": "LessOrEqual",
	"LogicalAnd": "And", "LogicalOr": "Or", "LogicalNot": "Not", "LogicalXor": "Xor", "Where": "Where",
}

func (ex *exporter) convert(op *tf.Operation) error {
	ins := make([]string, len(op.Inputs()))
	for i, in := range op.Inputs() {
		ins[i] = ex.name(in)
	}
	out := []string{op.Output(0).Name()}
	if op.NumOutputs() == 0 {
		out = nil
	}
	if onnxOp, ok := elementwise[op.Type()]; ok {
		ex.node(onnxOp, ins, out, nil)
		return nil
	}
	switch op.Type() {
	case "VariableV2":
		v := op.Variable()
		if v == nil || !v.Initialized() {
			return fmt.Errorf("onnx: variable %s has no value to export", op.Name())
		}
		ex.model.Graph.Initializers[out[0]] = v.Value().Clone()
	case "Const":
		ex.model.Graph.Initializers[out[0]] = op.Attr("value").(*tensor.Tensor).Clone()
	case "Placeholder":
		return unsupportedError(fmt.Sprintf("placeholder %s is not among the inputs", op.Name()))
	case "MatMul":
		a, b := ins[0], ins[1]
		ta, tb := op.Attr("transpose_a").(bool), op.Attr("transpose_b").(bool)
		ra, rb := op.Inputs()[0].Shape().Rank(), op.Inputs()[1].Shape().Rank()
		if ra == 2 && rb == 2 {
			attrs := map[string]Attr{}
			if ta {
				attrs["transA"] = intAttr(1)
			}
			if tb {
				attrs["transB"] = intAttr(1)
			}
			ex.node("Gemm", []string{a, b}, out, attrs)
			return nil
		}
		if ta {
			a = ex.swapLast(a, ra)
		}
		if tb {
			b = ex.swapLast(b, rb)
		}
		ex.node("MatMul", []string{a, b}, out, nil)
	case "FusedMatMul":
		// Gemm adds its third input, the bias, broadcast over the rows.
		attrs := map[string]Attr{}
		if op.Attr("transpose_a").(bool) {
			attrs["transA"] = intAttr(1)
		}
		if op.Attr("transpose_b").(bool) {
			attrs["transB"] = intAttr(1)
		}
		if op.Attr("activation").(string) != "Relu" {
			ex.node("Gemm", ins, out, attrs)
			return nil
		}
		y := ex.tmp(op)
		ex.node("Gemm", ins, []string{y}, attrs)
		ex.node("Relu", []string{y}, out, nil)
	case "Conv2D", "FusedConv2D":
		return ex.convertConv(op, ins, out)
	case "Conv2DBackpropInput":
		return ex.convertConvTranspose(op, ins, out)
	case "MaxPool", "AvgPool":
		return ex.convertPool(op, ins, out)
	case "RNN":
		return ex.convertRNN(op, ins)
	case "EmbeddingLookup", "Gather":
		ex.convertGather(op, ins, out)
	case "NotEqual":
		ex.convertNotEqual(op, ins, out)
	case "ZerosLike":
		ex.convertZerosLike(op, ins, out)
	case "ReshapeDims":
		ex.convertReshapeDims(op, ins, out)
	case "CheckIDs":
		// The Gather after it rejects an index past the table (ONNX reads
		// one in [-rows, 0) from the end, where tensorgo fails).
		ex.node("Identity", ins, out, nil)
	case "FusedBatchNormInference":
		return ex.convertBatchNorm(op, ins, out)
	case "Pad":
		ex.convertPad(op, ins, out)
	case "Softmax", "LogSoftmax":
		ex.node(op.Type(), ins, out, map[string]Attr{"axis": intAttr(op.Attr("axis").(int))})
	case "Reshape":
		shape := op.Attr("shape").([]int)
		// Keep the batch dimension dynamic: ONNX's 0 copies the input's
		// dimension, -1 infers it.
		ex.node("Reshape", []string{ins[0], ex.constant("shape", tensor.FromSlice(ints(shape)))}, out, nil)
	case "Transpose":
		ex.node("Transpose", ins, out, map[string]Attr{"perm": intsAttr(op.Attr("perm").([]int))})
	case "Concat":
		ex.node("Concat", ins, out, map[string]Attr{"axis": intAttr(op.Attr("axis").(int))})
	case "Cast":
		dt := op.Attr("dtype").(tensor.DType)
		to := onnxType(dt)
		if to == 0 {
			return unsupportedError(fmt.Sprintf("%s (Cast to %v)", op.Name(), dt))
		}
		ex.node("Cast", ins, out, map[string]Attr{"to": {Kind: AttrInt, Int: int64(to)}})
	case "Square":
		ex.node("Mul", []string{ins[0], ins[0]}, out, nil)
	case "Relu6":
		lo := ex.constant("zero", tensor.Scalar(float32(0)))
		hi := ex.constant("six", tensor.Scalar(float32(6)))
		if op.Output(0).DType() == tensor.Float64 {
			lo, hi = ex.constant("zero", tensor.Scalar(0.0)), ex.constant("six", tensor.Scalar(6.0))
		}
		ex.node("Clip", []string{ins[0], lo, hi}, out, nil)
	case "HardSigmoid":
		// tf's HardSigmoid is clip(0.2x + 0.5, 0, 1): ONNX's defaults.
		ex.node("HardSigmoid", ins, out, map[string]Attr{"alpha": {Kind: AttrFloat, Float: 0.2}, "beta": {Kind: AttrFloat, Float: 0.5}})
	case "Swish":
		s := ex.tmp(op)
		ex.node("Sigmoid", ins, []string{s}, nil)
		ex.node("Mul", []string{ins[0], s}, out, nil)
	case "Dropout":
		// Inference graphs keep every unit: Dropout is the identity.
		ex.node("Identity", ins[:1], out, nil)
	case "Sum", "Mean", "Max", "Min", "Prod":
		onnxOp := map[string]string{"Sum": "ReduceSum", "Mean": "ReduceMean", "Max": "ReduceMax", "Min": "ReduceMin", "Prod": "ReduceProd"}[op.Type()]
		axes, _ := op.Attr("axes").([]int)
		keep := 0
		if op.Attr("keep_dims").(bool) {
			keep = 1
		}
		attrs := map[string]Attr{"keepdims": intAttr(keep)}
		if onnxOp == "ReduceSum" {
			// Opset 13 made ReduceSum's axes an input.
			in := []string{ins[0]}
			if len(axes) > 0 {
				in = append(in, ex.constant("axes", tensor.FromSlice(ints(axes))))
			}
			ex.node(onnxOp, in, out, attrs)
			return nil
		}
		if len(axes) > 0 {
			attrs["axes"] = intsAttr(axes)
		}
		ex.node(onnxOp, ins, out, attrs)
	default:
		return unsupportedError(fmt.Sprintf("%s (%s)", op.Name(), op.Type()))
	}
	return nil
}

// tmp returns a fresh value name derived from op's.
func (ex *exporter) tmp(op *tf.Operation) string {
	ex.n++
	return fmt.Sprintf("%s/tmp_%d", op.Name(), ex.n)
}

// swapLast transposes the last two axes of a rank-r value.
func (ex *exporter) swapLast(v string, r int) string {
	perm := make([]int, r)
	for i := range perm {
		perm[i] = i
	}
	perm[r-1], perm[r-2] = perm[r-2], perm[r-1]
	ex.n++
	out := fmt.Sprintf("%s/transposed_%d", v, ex.n)
	ex.node("Transpose", []string{v}, []string{out}, map[string]Attr{"perm": intsAttr(perm)})
	return out
}
