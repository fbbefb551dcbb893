package summary

import (
	"fmt"
	"math"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// The summary ops of graph mode (TensorFlow 1's tf.summary.scalar,
// histogram, merge and merge_all): ops that a Session runs like any other,
// whose output is a serialized Summary protocol buffer. TensorFlow returns
// it as a scalar string tensor; tensorgo has no string dtype, so here it is
// a 1-D uint8 tensor of the serialized bytes, which FileWriter.AddSummary
// takes. The ops are not differentiable (no gradient flows through a
// summary) and run on the host whatever device they are placed on.

// The op types, TensorFlow's.
const (
	ScalarSummaryType    = "ScalarSummary"
	HistogramSummaryType = "HistogramSummary"
	MergeSummaryType     = "MergeSummary"
)

func init() {
	tagAttr := []tf.AttrDef{{Name: "tag", Type: tf.AttrString}}
	tf.RegisterOp(&tf.OpDef{Type: ScalarSummaryType, Attrs: tagAttr, Host: true, SetsOutputs: true,
		Infer: inferScalar, Kernel: scalarKernel})
	tf.RegisterOp(&tf.OpDef{Type: HistogramSummaryType, Attrs: tagAttr, Host: true, SetsOutputs: true,
		Infer: inferHistogram, Kernel: histogramKernel})
	tf.RegisterOp(&tf.OpDef{Type: MergeSummaryType, Attrs: []tf.AttrDef{{Name: "N", Type: tf.AttrInt}},
		Host: true, SetsOutputs: true, Infer: inferMerge, Kernel: mergeKernel})
}

// serialized is the spec of a summary op's output.
var serialized = []tf.TensorSpec{{DType: tensor.Uint8, Shape: tensor.Shape{-1}}}

func opName(op *tf.Operation) string {
	if op.Name() == "" {
		return op.Type()
	}
	return op.Name()
}

func shapeError(op *tf.Operation, in []tf.TensorSpec, format string, args ...any) *tf.ShapeError {
	return &tf.ShapeError{Op: opName(op), Type: op.Type(), Inputs: in, Msg: fmt.Sprintf(format, args...)}
}

func numeric(d tensor.DType) bool { return d.IsFloat() || d.IsHalf() || d.IsInteger() }

func inferScalar(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
	if len(in) != 1 {
		panic(shapeError(op, in, "want one input, the scalar"))
	}
	for _, d := range in[0].Shape {
		if d != 1 {
			panic(shapeError(op, in, "want a scalar (shape (), or every dimension 1)"))
		}
	}
	if !numeric(in[0].DType) {
		panic(&tf.DTypeError{Op: opName(op), Type: op.Type(), Inputs: in, Msg: "want a numeric (float or integer) scalar"})
	}
	return serialized
}

func inferHistogram(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
	if len(in) != 1 {
		panic(shapeError(op, in, "want one input, the values"))
	}
	if !numeric(in[0].DType) {
		panic(&tf.DTypeError{Op: opName(op), Type: op.Type(), Inputs: in, Msg: "want numeric (float or integer) values"})
	}
	return serialized
}

func inferMerge(op *tf.Operation, in []tf.TensorSpec) []tf.TensorSpec {
	if len(in) == 0 {
		panic(shapeError(op, in, "want at least one serialized summary"))
	}
	for _, s := range in {
		if s.DType != tensor.Uint8 || len(s.Shape) != 1 {
			panic(shapeError(op, in, "want serialized summaries (1-D uint8 tensors, the outputs of summary ops)"))
		}
	}
	return serialized
}

// output returns out[0] resized to n bytes: the buffer of the previous run
// when it has that size, a new one otherwise.
func output(out []*tensor.Tensor, n int) []byte {
	if out[0] == nil || out[0].DType() != tensor.Uint8 || out[0].Size() != n {
		out[0] = tensor.New(tensor.Uint8, n)
	}
	return out[0].Uint8s()[:0]
}

func scalarKernel(op *tf.Operation, in, out []*tensor.Tensor) error {
	tag := op.AttrAt(0).(string)
	v := float32(in[0].Float(0))
	b := output(out, scalarSummarySize(tag))
	appendScalarSummary(b, tag, v)
	return nil
}

func histogramKernel(op *tf.Operation, in, out []*tensor.Tensor) error {
	tag := op.AttrAt(0).(string)
	h := histPool.Get().(*tfHistogram)
	defer histPool.Put(h)
	h.reset()
	x := in[0]
	for i, n := 0, x.Size(); i < n; i++ {
		v := x.Float(i)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// TensorFlow's message.
			return fmt.Errorf("Nan in summary histogram for: %s", tag)
		}
		h.add(v)
	}
	size, buckets := h.histogramSummarySize(tag)
	b := output(out, size)
	h.appendHistogramSummary(b, tag, buckets)
	return nil
}

// tagsPool holds the tag lists mergeKernel checks for duplicates.
var tagsPool = sync.Pool{New: func() any { s := make([][]byte, 0, 16); return &s }}

func mergeKernel(op *tf.Operation, in, out []*tensor.Tensor) error {
	tags := tagsPool.Get().(*[][]byte)
	defer func() { *tags = (*tags)[:0]; tagsPool.Put(tags) }()
	n := 0
	for i, t := range in {
		b := t.Uint8s()
		var err error
		if *tags, err = summaryTags(*tags, b); err != nil {
			return fmt.Errorf("could not parse summary input %d: %v", i, err)
		}
		n += len(b)
	}
	for i, a := range *tags {
		for _, b := range (*tags)[:i] {
			if string(a) == string(b) {
				return fmt.Errorf("duplicate tag %s found in summary inputs", a)
			}
		}
	}
	b := output(out, n)
	for _, t := range in {
		b = append(b, t.Uint8s()...)
	}
	return nil
}

// summaryTags appends the tag of each value of the serialized Summary b to
// tags, checking that b is well-formed protobuf wire data.
func summaryTags(tags [][]byte, b []byte) ([][]byte, error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return tags, protowire.ParseError(n)
		}
		b = b[n:]
		if num != fieldSummaryValue || typ != protowire.BytesType {
			n = protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return tags, protowire.ParseError(n)
			}
			b = b[n:]
			continue
		}
		v, n := protowire.ConsumeBytes(b)
		if n < 0 {
			return tags, protowire.ParseError(n)
		}
		b = b[n:]
		// A value without a tag has the empty one; of several tag
		// fields the last counts, as in every protobuf decoder.
		tag := v[:0]
		for len(v) > 0 {
			num, typ, n := protowire.ConsumeTag(v)
			if n < 0 {
				return tags, protowire.ParseError(n)
			}
			v = v[n:]
			if num == fieldValueTag && typ == protowire.BytesType {
				t, n := protowire.ConsumeBytes(v)
				if n < 0 {
					return tags, protowire.ParseError(n)
				}
				tag = t
				v = v[n:]
				continue
			}
			n = protowire.ConsumeFieldValue(num, typ, v)
			if n < 0 {
				return tags, protowire.ParseError(n)
			}
			v = v[n:]
		}
		tags = append(tags, tag)
	}
	return tags, nil
}

// Scalar adds a TF1 scalar summary of t (a numeric scalar) to t's graph, as
// tf.compat.v1.summary.scalar does: an op named name (in the current name
// scope, made unique), whose tag is that name, and whose output is the
// serialized Summary (a 1-D uint8 tensor; see FileWriter.AddSummary).
// MergeAll collects it. With an eager t it runs at once and the tag is
// name.
func Scalar(name string, t *tf.Tensor, opts ...tf.Option) *tf.Tensor {
	return summaryOp(ScalarSummaryType, name, t, opts)
}

// Histogram adds a TF1 histogram summary of t's values (any numeric
// tensor) to t's graph, as tf.compat.v1.summary.histogram does: buckets of
// TensorFlow's default exponential layout (see TFBucketLimits), with the
// values' min, max, count, sum and sum of squares. Running it fails when a
// value is NaN or infinite, as in TensorFlow. Naming and output are
// Scalar's.
func Histogram(name string, t *tf.Tensor, opts ...tf.Option) *tf.Tensor {
	return summaryOp(HistogramSummaryType, name, t, opts)
}

func summaryOp(typ, name string, t *tf.Tensor, opts []tf.Option) *tf.Tensor {
	if name == "" {
		panic(&tf.OpError{Op: typ, Msg: "a summary needs a name"})
	}
	op := tf.NewOp(typ, []*tf.Tensor{t}, map[string]any{"tag": name}, append(opts, tf.Name(name))...)
	if op.Graph() != nil {
		// The tag is the op's name, scope and uniquifying suffix included,
		// as in TensorFlow 1.
		op.SetAttr("tag", op.Name())
	}
	return op.Output(0)
}

// Merge adds an op that merges serialized summaries (the outputs of Scalar,
// Histogram or other Merges) into one, as tf.compat.v1.summary.merge does.
// Two values with the same tag are an error: at build time for summary
// ops' outputs, when it runs for other inputs.
func Merge(summaries []*tf.Tensor, opts ...tf.Option) *tf.Tensor {
	if len(summaries) == 0 {
		panic(&tf.OpError{Op: MergeSummaryType, Msg: "no summaries to merge"})
	}
	seen := map[string]bool{}
	for _, s := range summaries {
		if s == nil {
			panic(&tf.OpError{Op: MergeSummaryType, Msg: "nil summary"})
		}
		for _, tag := range staticTags(s) {
			if seen[tag] {
				panic(&tf.OpError{Op: MergeSummaryType, Msg: fmt.Sprintf("duplicate tag %q in the merged summaries", tag)})
			}
			seen[tag] = true
		}
	}
	op := tf.NewOp(MergeSummaryType, summaries, map[string]any{"N": len(summaries)}, opts...)
	return op.Output(0)
}

// staticTags are the tags a summary op's output will hold, when known at
// build time.
func staticTags(t *tf.Tensor) []string {
	op := t.Op()
	if op == nil {
		return nil
	}
	switch op.Type() {
	case ScalarSummaryType, HistogramSummaryType:
		return []string{op.AttrAt(0).(string)}
	case MergeSummaryType:
		var out []string
		for _, in := range op.Inputs() {
			out = append(out, staticTags(in)...)
		}
		return out
	}
	return nil
}

// MergeAll merges every scalar and histogram summary of g, in the order
// they were added, as tf.compat.v1.summary.merge_all does; it returns nil
// when g has none.
func MergeAll(g *tf.Graph, opts ...tf.Option) *tf.Tensor {
	var ts []*tf.Tensor
	for _, op := range g.Operations() {
		if op.Type() == ScalarSummaryType || op.Type() == HistogramSummaryType {
			ts = append(ts, op.Output(0))
		}
	}
	if len(ts) == 0 {
		return nil
	}
	return Merge(ts, opts...)
}
