package onnx

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// Imported is an ONNX model loaded as a tensorgo graph: placeholders for
// its inputs, its weights as trainable variables (so that the model can be
// fine-tuned with tensorgo's optimizers), and its outputs.
type Imported struct {
	Graph     *tf.Graph
	Inputs    []*tf.Tensor // in the model's input order
	Outputs   []*tf.Tensor // in the model's output order
	Variables map[string]*tf.Variable
	sess      *tf.Session
}

// Load reads an ONNX model from r (bounded by lim) and imports it.
func Load(r io.Reader, lim Limits) (*Imported, error) {
	lim = lim.withDefaults()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, int64(lim.MaxBytes)+1))
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	if n > int64(lim.MaxBytes) {
		return nil, errorf("", "the model is larger than the limit of %d bytes", lim.MaxBytes)
	}
	m, err := Decode(buf.Bytes(), lim)
	if err != nil {
		return nil, err
	}
	return Import(m)
}

// ImportOptions adjust Import.
type ImportOptions struct {
	// Constants gives values to some of the model's inputs, which are then
	// constants of the graph rather than inputs (for models that take a
	// shape or axes as an input).
	Constants map[string]*tensor.Tensor
	// MaxElems bounds the elements of every value the imported graph
	// computes, counting its run-time (batch) dimensions as 1, so that a
	// hostile model (a Pad of a billion cells, say) is an import error
	// rather than an allocation when it runs. The default is Limits'
	// MaxTensorElems default, 1<<28.
	MaxElems int64
}

// Import builds a tf graph computing m. Operators tensorgo cannot import
// are reported together: the error lists every one the model needs.
func Import(m *Model) (*Imported, error) { return ImportWith(m, ImportOptions{}) }

// ImportWith is Import with options.
func ImportWith(m *Model, o ImportOptions) (im *Imported, err error) {
	var missing []string
	seen := map[string]bool{}
	for _, n := range m.Graph.Nodes {
		if _, ok := importers[n.OpType]; (!ok || n.Domain != "") && !seen[n.OpType] {
			seen[n.OpType] = true
			missing = append(missing, n.OpType)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, errorf("", "tensorgo cannot import the operator(s) %s", strings.Join(missing, ", "))
	}
	c := &importer{g: tf.NewGraph(), opset: m.Opsets[""], vals: map[string]*tf.Tensor{}, consts: map[string]*tensor.Tensor{}, partial: map[string]shapeVec{}}
	if c.opset == 0 {
		c.opset = DefaultOpset
	}
	im = &Imported{Graph: c.g, Variables: map[string]*tf.Variable{}}
	// Shape errors while building are tf's typed panics: report them
	// against the node that caused them.
	var node string
	var convErr error
	maxElems := o.MaxElems
	if maxElems <= 0 {
		maxElems = Limits{}.withDefaults().MaxTensorElems
	}
	c.maxElems = maxElems
	err = tf.Catch(func() {
		for _, v := range m.Graph.Inputs {
			if t, ok := o.Constants[v.Name]; ok {
				c.consts[v.Name] = t
				c.vals[v.Name] = tf.Const(c.g, t, tf.Name(safeName(v.Name)))
				continue
			}
			p := tf.Placeholder(c.g, v.DType, v.Shape, tf.Name(safeName(v.Name)))
			c.vals[v.Name] = p
			im.Inputs = append(im.Inputs, p)
		}
		for _, name := range sortedKeys(m.Graph.Initializers) {
			t := m.Graph.Initializers[name]
			c.consts[name] = t
			if t.DType().IsFloat() {
				v := tf.NewVariable(c.g, t.Clone(), tf.Name(safeName(name)))
				im.Variables[name] = v
				c.vals[name] = v.Tensor()
			} else {
				c.vals[name] = tf.Const(c.g, t, tf.Name(safeName(name)))
			}
		}
		for _, n := range m.Graph.Nodes {
			node = n.Name
			ins := make([]*tf.Tensor, len(n.Inputs))
			for i, name := range n.Inputs {
				if name == "" {
					continue
				}
				if ins[i] = c.vals[name]; ins[i] == nil {
					convErr = fmt.Errorf("%s: input %q is not a graph input, an initializer or the output of an earlier node (a missing input, or a cycle)", n.OpType, name)
					return
				}
			}
			if need := minInputs(n.OpType); len(ins) < need || slicesHasNil(ins[:need]) {
				convErr = fmt.Errorf("%s: %d input(s) %q: want at least %d, given", n.OpType, len(n.Inputs), n.Inputs, need)
				return
			}
			if err := c.checkPartial(&n); err != nil {
				convErr = fmt.Errorf("%s: %w", n.OpType, err)
				return
			}
			folded, err := c.fold(&n, ins)
			if err != nil {
				convErr = fmt.Errorf("%s: %w", n.OpType, err)
				return
			}
			if folded {
				continue
			}
			outs, err := importers[n.OpType](c, &n, ins)
			if err != nil {
				convErr = fmt.Errorf("%s: %w", n.OpType, err)
				return
			}
			for i, name := range n.Outputs {
				if name == "" {
					continue
				}
				if i >= len(outs) || outs[i] == nil {
					convErr = fmt.Errorf("%s: output %d (%s) is not supported", n.OpType, i, name)
					return
				}
				if e := elems(outs[i].Shape()); e > maxElems {
					convErr = fmt.Errorf("%s: output %s of shape %v has %d elements, over the limit of %d", n.OpType, name, outs[i].Shape(), e, maxElems)
					return
				}
				c.vals[name] = outs[i]
			}
		}
	})
	if err == nil {
		err = convErr
	}
	if err != nil {
		return nil, fmt.Errorf("onnx: node %s: %w", node, err)
	}
	for _, v := range m.Graph.Outputs {
		t := c.vals[v.Name]
		if t == nil {
			return nil, errorf("", "the graph output %q is computed by no node", v.Name)
		}
		if _, ok := c.partial[v.Name]; ok {
			return nil, errorf("", "the graph output %q is a shape with dimensions known only at run time, which tensorgo does not compute", v.Name)
		}
		im.Outputs = append(im.Outputs, t)
	}
	im.sess = tf.NewSession(c.g)
	if _, err := im.sess.Run(nil, nil, tf.GlobalVariablesInitializer(c.g)); err != nil {
		return nil, err
	}
	return im, nil
}

// minInputs is how many inputs an operator cannot do without.
func minInputs(op string) int {
	switch op {
	case "Constant":
		return 0
	case "Where":
		return 3
	case "BatchNormalization":
		return 5
	case "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
		"And", "Or", "Xor", "Gemm", "MatMul", "Conv", "Gather":
		return 2
	}
	return 1
}

func slicesHasNil(ts []*tf.Tensor) bool {
	for _, t := range ts {
		if t == nil {
			return true
		}
	}
	return false
}

// elems counts a shape's elements, its unknown dimensions as 1,
// saturating at math.MaxInt64.
func elems(s tensor.Shape) int64 {
	n := int64(1)
	for _, d := range s {
		if d <= 0 {
			if d == 0 {
				return 0
			}
			continue
		}
		if n > math.MaxInt64/int64(d) {
			return math.MaxInt64
		}
		n *= int64(d)
	}
	return n
}

// safeName turns an ONNX value name into a tf op name (tf names may not
// hold ':' and a few other characters ONNX allows).
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '/', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || b.String()[0] == '/' {
		return "v" + b.String()
	}
	return b.String()
}

// isInput reports whether the model input name is fed (not folded into a
// constant by ImportOptions.Constants).
func (im *Imported) isInput(name string) bool {
	for _, p := range im.Inputs {
		if p.Op().Name() == safeName(name) {
			return true
		}
	}
	return false
}

// Predict runs the model on inputs (in the model's input order) and returns
// its outputs. It may be called from several goroutines.
func (im *Imported) Predict(inputs ...*tensor.Tensor) ([]*tensor.Tensor, error) {
	if len(inputs) != len(im.Inputs) {
		return nil, fmt.Errorf("onnx: Predict: the model takes %d inputs, got %d", len(im.Inputs), len(inputs))
	}
	feeds := tf.Feeds{}
	for i, x := range inputs {
		if x.DType() != im.Inputs[i].DType() {
			x = tensor.Cast(x, im.Inputs[i].DType())
		}
		feeds[im.Inputs[i]] = x
	}
	return im.sess.Run(feeds, im.Outputs)
}

// importer holds the state of one Import.
type importer struct {
	g      *tf.Graph
	opset  int64
	vals   map[string]*tf.Tensor
	consts map[string]*tensor.Tensor // values known while importing (initializers, Constant outputs)
	// partial holds integer vectors known but for some run-time
	// dimensions (import_shape.go).
	partial map[string]shapeVec
	// maxElems bounds the elements of every value (ImportOptions.MaxElems).
	maxElems int64
}

type importFunc func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error)

func one(t *tf.Tensor) []*tf.Tensor { return []*tf.Tensor{t} }

// constInput returns the value of input i when it is known at import time.
func (c *importer) constInput(n *Node, i int) (*tensor.Tensor, bool) {
	if i >= len(n.Inputs) || n.Inputs[i] == "" {
		return nil, false
	}
	t, ok := c.consts[n.Inputs[i]]
	return t, ok
}

func (c *importer) intsInput(n *Node, i int) ([]int, error) {
	t, ok := c.constInput(n, i)
	if !ok && (i >= len(n.Inputs) || n.Inputs[i] == "") {
		return nil, fmt.Errorf("input %d is missing", i)
	}
	if !ok {
		return nil, fmt.Errorf("input %d (%s) must be a constant (an initializer or a Constant node)", i, n.Inputs[i])
	}
	out := make([]int, t.Size())
	for j := range out {
		out[j] = int(t.Float(j))
	}
	return out, nil
}

func attrInt(n *Node, name string, def int64) int64 {
	if a, ok := n.Attrs[name]; ok {
		return a.Int
	}
	return def
}

func attrFloat(n *Node, name string, def float64) float64 {
	if a, ok := n.Attrs[name]; ok {
		return a.Float
	}
	return def
}

func attrInts(n *Node, name string) ([]int, bool) {
	a, ok := n.Attrs[name]
	if !ok {
		return nil, false
	}
	out := make([]int, len(a.Ints))
	for i, v := range a.Ints {
		out[i] = int(v)
	}
	return out, true
}

func normAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d is out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

func scalarLike(x *tf.Tensor, v float64) *tf.Tensor {
	return tf.Const(x.Graph(), tensor.Fill(x.DType(), v))
}

// half16 reports a 16-bit float dtype, which tensorgo stores but computes
// in float32.
func half16(d tensor.DType) bool { return d == tensor.Float16 || d == tensor.BFloat16 }

// widen casts 16-bit float inputs to float32, as ONNX Runtime's CPU kernels
// compute them, and returns the cast that brings a result back.
func widen(ins []*tf.Tensor) ([]*tf.Tensor, func(*tf.Tensor) *tf.Tensor) {
	if len(ins) == 0 || ins[0] == nil || !half16(ins[0].DType()) {
		return ins, func(t *tf.Tensor) *tf.Tensor { return t }
	}
	dt := ins[0].DType()
	out := make([]*tf.Tensor, len(ins))
	for i, x := range ins {
		if x != nil && half16(x.DType()) {
			x = tf.Cast(x, tensor.Float32)
		}
		out[i] = x
	}
	return out, func(t *tf.Tensor) *tf.Tensor {
		if t.DType() == tensor.Float32 {
			return tf.Cast(t, dt)
		}
		return t
	}
}

func unary(f func(*tf.Tensor) *tf.Tensor) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		ins, back := widen(ins)
		return one(back(f(ins[0]))), nil
	}
}

func binaryOp(f func(a, b *tf.Tensor) *tf.Tensor) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		ins, back := widen(ins)
		return one(back(f(ins[0], ins[1]))), nil
	}
}

// variadic folds f over every input (Sum, Max, Min).
func variadic(f func(a, b *tf.Tensor) *tf.Tensor) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		ins, back := widen(ins)
		acc := ins[0]
		for _, x := range ins[1:] {
			acc = f(acc, x)
		}
		return one(back(acc)), nil
	}
}

var importers map[string]importFunc

func init() {
	importers = map[string]importFunc{
		"Add": binaryOp(tf.Add), "Sub": binaryOp(tf.Sub), "Mul": binaryOp(tf.Mul), "Div": binaryOp(tf.Div),
		"Pow": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			// ONNX's Pow gives the base's type, whatever the exponent's.
			y := ins[1]
			if y.DType() != ins[0].DType() {
				y = tf.Cast(y, ins[0].DType())
			}
			return one(tf.Pow(ins[0], y)), nil
		}, "Equal": binaryOp(tf.Equal), "Less": binaryOp(tf.Less), "Greater": binaryOp(tf.Greater),
		"LessOrEqual": binaryOp(tf.LessEqual), "GreaterOrEqual": binaryOp(tf.GreaterEqual),
		"And": binaryOp(tf.LogicalAnd), "Or": binaryOp(tf.LogicalOr), "Xor": binaryOp(tf.LogicalXor), "Not": unary(tf.LogicalNot),
		"Relu": unary(tf.Relu), "Sigmoid": unary(tf.Sigmoid), "Tanh": unary(tf.Tanh), "Exp": unary(tf.Exp),
		"Log": unary(tf.Log), "Abs": unary(tf.Abs), "Neg": unary(tf.Neg), "Sqrt": unary(tf.Sqrt),
		"Reciprocal": unary(tf.Reciprocal), "Floor": unary(tf.Floor), "Ceil": unary(tf.Ceil), "Erf": unary(tf.Erf),
		"Sin": unary(tf.Sin), "Cos": unary(tf.Cos), "Tan": unary(tf.Tan), "Sign": unary(tf.Sign),
		"Softplus": unary(tf.Softplus), "Softsign": unary(tf.Softsign),
		"Identity": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			if t, ok := c.constInput(n, 0); ok {
				c.consts[n.Outputs[0]] = t
			}
			return one(tf.Identity(ins[0])), nil
		},
		"Sum": variadic(tf.Add), "Max": variadic(tf.Maximum), "Min": variadic(tf.Minimum),
		"Mean": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			s, _ := variadic(tf.Add)(c, n, ins)
			return one(tf.Div(s[0], scalarLike(ins[0], float64(len(ins))))), nil
		},
		"Where": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			return one(tf.Where(ins[0], ins[1], ins[2])), nil
		},
		"LeakyRelu": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			return one(tf.LeakyRelu(ins[0], attrFloat(n, "alpha", 0.01))), nil
		},
		"Elu": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			return one(tf.Elu(ins[0], attrFloat(n, "alpha", 1))), nil
		},
		"Selu": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			x := ins[0]
			alpha := attrFloat(n, "alpha", 1.67326319217681884765625)
			gamma := attrFloat(n, "gamma", 1.05070102214813232421875)
			// gamma * (x > 0 ? x : alpha*(exp(x)-1))
			neg := tf.Mul(scalarLike(x, alpha), tf.Expm1(tf.Minimum(x, scalarLike(x, 0))))
			return one(tf.Mul(scalarLike(x, gamma), tf.Where(tf.Greater(x, scalarLike(x, 0)), x, neg))), nil
		},
		"HardSigmoid": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			x := ins[0]
			y := tf.Add(tf.Mul(x, scalarLike(x, attrFloat(n, "alpha", 0.2))), scalarLike(x, attrFloat(n, "beta", 0.5)))
			return one(tf.ClipByValue(y, 0, 1)), nil
		},
		"Clip":     importClip,
		"Dropout":  importDropout,
		"Constant": importConstant,
		"Cast":     importCast,
		"Gemm":     importGemm,
		"MatMul":   binaryOp(func(a, b *tf.Tensor) *tf.Tensor { return tf.MatMul(a, b) }),
		"Softmax": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			return importSoftmax(c, n, ins, tf.Softmax)
		},
		"LogSoftmax": func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
			return importSoftmax(c, n, ins, tf.LogSoftmax)
		},
		"Reshape": importReshape,
		"Shape": func(*importer, *Node, []*tf.Tensor) ([]*tf.Tensor, error) {
			return nil, fmt.Errorf("tensorgo folds Shape into constants, for ranks up to %d", maxShapeVec)
		},
		"Gather":          importGather,
		"ConstantOfShape": importConstantOfShape,
		"Flatten":         importFlatten,
		"Transpose":       importTranspose,
		"Concat":          importConcat,
		"Unsqueeze":       importUnsqueeze,
		"Squeeze":         importSqueeze,
		"ReduceSum":       importReduce(tf.ReduceSum), "ReduceMean": importReduce(tf.ReduceMean),
		"ReduceMax": importReduce(tf.ReduceMax), "ReduceMin": importReduce(tf.ReduceMin),
		"ReduceProd": importReduce(tf.ReduceProd),
	}
}

func importClip(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	x := ins[0]
	if c.opset < 11 {
		if a, ok := n.Attrs["min"]; ok {
			x = tf.Maximum(x, scalarLike(x, a.Float))
		}
		if a, ok := n.Attrs["max"]; ok {
			x = tf.Minimum(x, scalarLike(x, a.Float))
		}
		return one(tf.Identity(x)), nil
	}
	// From opset 11 the bounds are optional scalar inputs.
	if len(ins) > 1 && ins[1] != nil {
		x = tf.Maximum(x, ins[1])
	}
	if len(ins) > 2 && ins[2] != nil {
		x = tf.Minimum(x, ins[2])
	}
	return one(tf.Identity(x)), nil
}

// ErrRandom marks a model whose outputs are random (training-mode
// Dropout with a nonzero ratio): tensorgo imports inference graphs.
var ErrRandom = fmt.Errorf("training-mode Dropout with a nonzero ratio is random; tensorgo imports inference graphs")

func importDropout(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	if len(ins) > 2 && ins[2] != nil {
		training, ok := c.constInput(n, 2)
		if !ok {
			return nil, fmt.Errorf("training_mode must be a constant")
		}
		ratio := 0.5
		if r, ok := c.constInput(n, 1); ok {
			ratio = r.Float(0)
		} else if len(ins) > 1 && ins[1] != nil {
			return nil, fmt.Errorf("the ratio must be a constant")
		}
		if training.Float(0) != 0 && ratio != 0 {
			return nil, ErrRandom
		}
	}
	// Inference: the identity, and a mask of ones.
	return []*tf.Tensor{tf.Identity(ins[0]), tf.Cast(tf.OnesLike(ins[0]), tensor.Bool)}, nil
}

func importConstant(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	var t *tensor.Tensor
	switch {
	case n.Attrs["value"].Kind == AttrTensor:
		t = n.Attrs["value"].Tensor
	case n.Attrs["value_float"].Kind == AttrFloat:
		t = tensor.Scalar(float32(n.Attrs["value_float"].Float))
	case n.Attrs["value_int"].Kind == AttrInt:
		t = tensor.Scalar(n.Attrs["value_int"].Int)
	case n.Attrs["value_floats"].Kind == AttrFloats:
		fs := make([]float32, len(n.Attrs["value_floats"].Floats))
		for i, f := range n.Attrs["value_floats"].Floats {
			fs[i] = float32(f)
		}
		t = tensor.FromSlice(fs, len(fs))
	case n.Attrs["value_ints"].Kind == AttrInts:
		t = tensor.FromSlice(append([]int64(nil), n.Attrs["value_ints"].Ints...), len(n.Attrs["value_ints"].Ints))
	default:
		return nil, fmt.Errorf("a Constant without a value, value_float(s) or value_int(s) is not supported")
	}
	c.consts[n.Outputs[0]] = t
	return one(tf.Const(c.g, t)), nil
}

func importCast(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	to := int32(attrInt(n, "to", 0))
	dt, ok := dtypeOf(to)
	if !ok {
		return nil, fmt.Errorf("Cast to %s is not supported", typeName(to))
	}
	if t, ok := c.constInput(n, 0); ok {
		c.consts[n.Outputs[0]] = tensor.Cast(t, dt)
	}
	return one(tf.Cast(ins[0], dt)), nil
}

func importGemm(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	a, b := ins[0], ins[1]
	y := tf.MatMul(a, b, tf.TransposeA(attrInt(n, "transA", 0) != 0), tf.TransposeB(attrInt(n, "transB", 0) != 0))
	if alpha := attrFloat(n, "alpha", 1); alpha != 1 {
		y = tf.Mul(y, scalarLike(y, alpha))
	}
	if len(ins) > 2 && ins[2] != nil {
		cv := ins[2]
		if beta := attrFloat(n, "beta", 1); beta != 1 {
			cv = tf.Mul(cv, scalarLike(cv, beta))
		}
		y = tf.Add(y, cv)
	}
	return one(y), nil
}

// importSoftmax follows the opset: from 13 on the op works along one axis
// (default -1); before, the input is seen as 2-D, split before axis
// (default 1), and normalised over the second part.
func importSoftmax(c *importer, n *Node, ins []*tf.Tensor, f func(*tf.Tensor, ...int) *tf.Tensor) ([]*tf.Tensor, error) {
	x := ins[0]
	r := x.Shape().Rank()
	if c.opset >= 13 {
		axis, err := normAxis(int(attrInt(n, "axis", -1)), r)
		if err != nil {
			return nil, err
		}
		return one(f(x, axis)), nil
	}
	axis, err := normAxis(int(attrInt(n, "axis", 1)), r)
	if err != nil {
		return nil, err
	}
	s := x.Shape()
	inner := 1
	for _, d := range s[axis:] {
		if d < 0 {
			return nil, fmt.Errorf("opset-%d Softmax needs the dimensions from the axis on known, got %v", c.opset, s)
		}
		inner *= d
	}
	y := f(tf.Reshape(x, -1, inner), 1)
	return one(tf.Reshape(y, s...)), nil
}

func importReshape(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	var shape []int
	var err error
	if s, ok, err := c.reshapeTarget(n, ins[0].Shape()); ok {
		if err != nil {
			return nil, err
		}
		return one(tf.Reshape(ins[0], s...)), nil
	}
	if c.opset < 5 {
		shape, _ = attrInts(n, "shape")
	} else if shape, err = c.intsInput(n, 1); err != nil {
		return nil, err
	}
	in := ins[0].Shape()
	allowZero := attrInt(n, "allowzero", 0) != 0
	out := make([]int, len(shape))
	unknown := 0
	for i, d := range shape {
		switch {
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil, fmt.Errorf("shape %v copies dimension %d of an input of rank %d", shape, i, len(in))
			}
			out[i] = in[i]
		default:
			out[i] = d
		}
		if out[i] < 0 {
			unknown++
		}
	}
	if unknown > 1 {
		return nil, fmt.Errorf("reshape of %v to %v leaves more than one dimension unknown", in, shape)
	}
	if t, ok := c.constInput(n, 0); ok {
		c.consts[n.Outputs[0]] = t.Clone().Reshape(out...)
	}
	return one(tf.Reshape(ins[0], out...)), nil
}

func importFlatten(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	s := ins[0].Shape()
	axis := int(attrInt(n, "axis", 1))
	if axis < 0 {
		axis += len(s)
	}
	if axis < 0 || axis > len(s) {
		return nil, fmt.Errorf("axis %d is out of range for rank %d", attrInt(n, "axis", 1), len(s))
	}
	outer, inner := 1, 1
	outerKnown, innerKnown := true, true
	for i, d := range s {
		if i < axis {
			if d < 0 {
				outerKnown = false
			} else {
				outer *= d
			}
		} else {
			if d < 0 {
				innerKnown = false
			} else {
				inner *= d
			}
		}
	}
	switch {
	case !outerKnown && !innerKnown:
		return nil, fmt.Errorf("Flatten of %v at axis %d: both parts have unknown dimensions", s, axis)
	case !outerKnown:
		outer = -1
	case !innerKnown:
		inner = -1
	}
	return one(tf.Reshape(ins[0], outer, inner)), nil
}

func importTranspose(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	perm, ok := attrInts(n, "perm")
	if !ok {
		r := ins[0].Shape().Rank()
		perm = make([]int, r)
		for i := range perm {
			perm[i] = r - 1 - i
		}
	}
	return one(tf.Transpose(ins[0], perm...)), nil
}

func importConcat(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	axis, err := normAxis(int(attrInt(n, "axis", 0)), ins[0].Shape().Rank())
	if err != nil {
		return nil, err
	}
	var xs []*tf.Tensor
	for _, x := range ins {
		if x != nil {
			xs = append(xs, x)
		}
	}
	return one(tf.Concat(axis, xs...)), nil
}

func (c *importer) axes(n *Node, input int) ([]int, bool, error) {
	if c.opset >= 13 && (n.OpType == "Unsqueeze" || n.OpType == "Squeeze" || n.OpType == "ReduceSum") ||
		c.opset >= 18 && strings.HasPrefix(n.OpType, "Reduce") {
		if input >= len(n.Inputs) || n.Inputs[input] == "" {
			return nil, false, nil
		}
		a, err := c.intsInput(n, input)
		return a, true, err
	}
	a, ok := attrInts(n, "axes")
	return a, ok, nil
}

func importUnsqueeze(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	axes, _, err := c.axes(n, 1)
	if err != nil {
		return nil, err
	}
	r := ins[0].Shape().Rank() + len(axes)
	norm := make([]int, len(axes))
	for i, a := range axes {
		if norm[i], err = normAxis(a, r); err != nil {
			return nil, err
		}
	}
	sort.Ints(norm)
	x := ins[0]
	for _, a := range norm {
		x = tf.ExpandDims(x, a)
	}
	return one(x), nil
}

func importSqueeze(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
	axes, _, err := c.axes(n, 1)
	if err != nil {
		return nil, err
	}
	r := ins[0].Shape().Rank()
	for i, a := range axes {
		if axes[i], err = normAxis(a, r); err != nil {
			return nil, err
		}
	}
	return one(tf.Squeeze(ins[0], axes...)), nil
}

func importReduce(f func(*tf.Tensor, []int, bool) *tf.Tensor) importFunc {
	return func(c *importer, n *Node, ins []*tf.Tensor) ([]*tf.Tensor, error) {
		axes, given, err := c.axes(n, 1)
		if err != nil {
			return nil, err
		}
		keep := attrInt(n, "keepdims", 1) != 0
		r := ins[0].Shape().Rank()
		if !given || len(axes) == 0 {
			if attrInt(n, "noop_with_empty_axes", 0) != 0 {
				return one(tf.Identity(ins[0])), nil
			}
			axes = make([]int, r)
			for i := range axes {
				axes[i] = i
			}
		}
		for i, a := range axes {
			if axes[i], err = normAxis(a, r); err != nil {
				return nil, err
			}
		}
		return one(f(ins[0], axes, keep)), nil
	}
}

// ImportedOps lists the ONNX operators Import handles, sorted.
func ImportedOps() []string { return sortedKeys(importers) }
