package summary

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/tensorgo/tensorgo/summary/internal/tbpb"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// decodeSummary parses a summary op's output.
func decodeSummary(t *testing.T, s *tensor.Tensor) *tbpb.Summary {
	t.Helper()
	if s.DType() != tensor.Uint8 || s.Rank() != 1 {
		t.Fatalf("summary output is %v %v, want a 1-D uint8 tensor", s.DType(), s.Shape())
	}
	var sum tbpb.Summary
	if err := proto.Unmarshal(s.Uint8s(), &sum); err != nil {
		t.Fatalf("summary output does not parse: %v", err)
	}
	return &sum
}

func TestScalarSummaryOp(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{}, tf.Name("x"))
	exit := g.NameScope("train")
	s := Scalar("loss", x)
	s2 := Scalar("loss", tf.Mul(x, x)) // a second "loss" in the scope: uniquified
	exit()
	if got := s.Op().Name(); got != "train/loss" {
		t.Errorf("op name %q, want train/loss", got)
	}
	sess := tf.NewSession(g)
	for _, v := range []float32{0.25, -3} {
		out, err := sess.Run(tf.Feeds{x: tensor.FromSlice([]float32{v}).Reshape()}, []*tf.Tensor{s, s2})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []struct {
			tag string
			v   float32
		}{{"train/loss", v}, {"train/loss_1", v * v}} {
			sum := decodeSummary(t, out[i])
			if len(sum.Value) != 1 {
				t.Fatalf("%d values, want 1", len(sum.Value))
			}
			val := sum.Value[0]
			if val.Tag != want.tag || val.GetSimpleValue() != want.v {
				t.Errorf("value %q = %v, want %q = %v", val.Tag, val.GetSimpleValue(), want.tag, want.v)
			}
			// The hand encoding is what the generated encoder writes.
			ref, _ := proto.Marshal(&tbpb.Summary{Value: []*tbpb.Summary_Value{{Tag: want.tag,
				Value: &tbpb.Summary_Value_SimpleValue{SimpleValue: want.v}}}})
			if string(ref) != string(out[i].Uint8s()) {
				t.Errorf("bytes %x, proto.Marshal writes %x", out[i].Uint8s(), ref)
			}
		}
	}
}

func TestScalarSummaryEager(t *testing.T) {
	s := Scalar("acc", tf.Constant(tensor.FromSlice([]float64{0.5}).Reshape()))
	sum := decodeSummary(t, s.Value())
	if len(sum.Value) != 1 || sum.Value[0].Tag != "acc" || sum.Value[0].GetSimpleValue() != 0.5 {
		t.Errorf("eager scalar summary %v, want acc = 0.5", sum)
	}
}

func TestSummaryOpBuildErrors(t *testing.T) {
	g := tf.NewGraph()
	v := tf.Placeholder(g, tf.Float32, tf.Shape{3}, tf.Name("v"))
	b := tf.Placeholder(g, tf.Bool, tf.Shape{}, tf.Name("b"))
	a := Scalar("a", tf.ReduceSum(v, nil, false))
	for _, c := range []struct {
		name string
		fn   func()
		want []string
	}{
		{"vector scalar", func() { Scalar("s", v) }, []string{"ScalarSummary", "(3,)", "want a scalar"}},
		{"bool scalar", func() { Scalar("s", b) }, []string{"ScalarSummary", "bool", "numeric"}},
		{"bool histogram", func() { Histogram("h", b) }, []string{"HistogramSummary", "bool", "numeric"}},
		{"no name", func() { Scalar("", v) }, []string{"ScalarSummary", "name"}},
		{"merge nothing", func() { Merge(nil) }, []string{"MergeSummary", "no summaries"}},
		{"merge floats", func() { Merge([]*tf.Tensor{v}) }, []string{"MergeSummary", "serialized"}},
		{"merge duplicate", func() { Merge([]*tf.Tensor{a, a}) }, []string{"MergeSummary", `duplicate tag "a"`}},
	} {
		err := tf.Catch(c.fn)
		if err == nil {
			t.Errorf("%s: no panic", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not mention %q", c.name, err, w)
			}
		}
	}
}

// TestHistogramSummaryOp checks a TF1 histogram against numbers computed
// apart, by a Python loop over TensorFlow's bucket rule (limits from 1e-12
// growing by 1.1 to 1e20, mirrored, with 0 and ±DBL_MAX; a value counts in
// the first bucket whose limit exceeds it; runs of empty buckets collapse
// into one entry ending at the run's last limit).
func TestHistogramSummaryOp(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float64, tf.Shape{-1}, tf.Name("x"))
	h := Histogram("weights", x)
	out, err := tf.NewSession(g).Run(tf.Feeds{x: tensor.FromSlice([]float64{-3, 0.5, 0.5, 2, 1000})}, []*tf.Tensor{h})
	if err != nil {
		t.Fatal(err)
	}
	sum := decodeSummary(t, out[0])
	if len(sum.Value) != 1 || sum.Value[0].Tag != "weights" {
		t.Fatalf("values %v, want one tagged weights", sum.Value)
	}
	hp := sum.Value[0].GetHisto()
	if hp == nil {
		t.Fatal("no HistogramProto")
	}
	if hp.Min != -3 || hp.Max != 1000 || hp.Num != 5 || hp.Sum != 1000 || hp.SumSquares != 1000013.5 {
		t.Errorf("min %v max %v num %v sum %v sum_squares %v, want -3 1000 5 1000 1000013.5",
			hp.Min, hp.Max, hp.Num, hp.Sum, hp.SumSquares)
	}
	wantLimit := []float64{-3.1665833053880363, -2.8787120958073054, 0.47069243095356195, 0.5177616740489182,
		1.9661990955585713, 2.1628190051144287, 964.166476569037, 1060.5831242259408, math.MaxFloat64}
	wantCount := []float64{0, 1, 0, 2, 0, 1, 0, 1, 0}
	if len(hp.BucketLimit) != len(wantLimit) || len(hp.Bucket) != len(wantCount) {
		t.Fatalf("%d limits, %d buckets; want %d", len(hp.BucketLimit), len(hp.Bucket), len(wantLimit))
	}
	for i := range wantLimit {
		if hp.BucketLimit[i] != wantLimit[i] || hp.Bucket[i] != wantCount[i] {
			t.Errorf("bucket %d: (%v, %v), want (%v, %v)", i, hp.BucketLimit[i], hp.Bucket[i], wantLimit[i], wantCount[i])
		}
	}
	ref, _ := proto.Marshal(sum)
	if string(ref) != string(out[0].Uint8s()) {
		t.Errorf("hand encoding differs from proto.Marshal's:\n%x\n%x", out[0].Uint8s(), ref)
	}
}

func TestHistogramLayout(t *testing.T) {
	l := TFBucketLimits()
	// 1e-12 * 1.1^k < 1e20 for k = 0..773 (773 < 32 ln 10 / ln 1.1 =
	// 773.06), plus DBL_MAX, on each side of 0.
	if len(l) != 2*775+1 {
		t.Fatalf("%d limits, want 1551", len(l))
	}
	if l[0] != -math.MaxFloat64 || l[775] != 0 || l[776] != 1e-12 || l[len(l)-1] != math.MaxFloat64 {
		t.Errorf("limits start %v, middle %v %v, end %v", l[0], l[775], l[776], l[len(l)-1])
	}
	for i := 1; i < len(l); i++ {
		if l[i] <= l[i-1] {
			t.Fatalf("limits not increasing at %d: %v, %v", i, l[i-1], l[i])
		}
		if i > 776 && i < len(l)-1 && math.Abs(l[i]/l[i-1]-1.1) > 1e-9 {
			t.Fatalf("limit %d grows by %v, want 1.1", i, l[i]/l[i-1])
		}
	}
}

func TestHistogramEmptyAndNaN(t *testing.T) {
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1}, tf.Name("x"))
	h := Histogram("h", x)
	sess := tf.NewSession(g)
	out, err := sess.Run(tf.Feeds{x: tensor.New(tensor.Float32, 0)}, []*tf.Tensor{h})
	if err != nil {
		t.Fatal(err)
	}
	hp := decodeSummary(t, out[0]).Value[0].GetHisto()
	// TensorFlow's empty histogram: min DBL_MAX, max -DBL_MAX, one
	// bucket (DBL_MAX, 0).
	if hp.Num != 0 || hp.Min != math.MaxFloat64 || hp.Max != -math.MaxFloat64 ||
		len(hp.Bucket) != 1 || hp.BucketLimit[0] != math.MaxFloat64 || hp.Bucket[0] != 0 {
		t.Errorf("empty histogram %v", hp)
	}
	_, err = sess.Run(tf.Feeds{x: tensor.FromSlice([]float32{1, float32(math.NaN())})}, []*tf.Tensor{h})
	if err == nil || !strings.Contains(err.Error(), "Nan in summary histogram for: h") {
		t.Errorf("NaN value: error %v, want TensorFlow's Nan in summary histogram", err)
	}
}

func TestMergeAll(t *testing.T) {
	g := tf.NewGraph()
	if MergeAll(g) != nil {
		t.Error("MergeAll of a graph without summaries is not nil")
	}
	x := tf.Placeholder(g, tf.Float32, tf.Shape{2}, tf.Name("x"))
	Scalar("total", tf.ReduceSum(x, nil, false))
	Histogram("values", x)
	Scalar("largest", tf.ReduceMax(x, nil, false))
	m := MergeAll(g)
	out, err := tf.NewSession(g).Run(tf.Feeds{x: tensor.FromSlice([]float32{1, 2})}, []*tf.Tensor{m})
	if err != nil {
		t.Fatal(err)
	}
	sum := decodeSummary(t, out[0])
	if len(sum.Value) != 3 {
		t.Fatalf("%d values, want 3", len(sum.Value))
	}
	for i, want := range []string{"total", "values", "largest"} {
		if sum.Value[i].Tag != want {
			t.Errorf("value %d is %q, want %q", i, sum.Value[i].Tag, want)
		}
	}
	if sum.Value[0].GetSimpleValue() != 3 || sum.Value[2].GetSimpleValue() != 2 || sum.Value[1].GetHisto().GetNum() != 2 {
		t.Errorf("merged values %v", sum.Value)
	}
}

func TestMergeRuntimeChecks(t *testing.T) {
	g := tf.NewGraph()
	p := tf.Placeholder(g, tf.Uint8, tf.Shape{-1}, tf.Name("p"))
	q := tf.Placeholder(g, tf.Uint8, tf.Shape{-1}, tf.Name("q"))
	m := Merge([]*tf.Tensor{p, q})
	sess := tf.NewSession(g)
	one := appendScalarSummary(nil, "a", 1)
	two := appendScalarSummary(nil, "b", 2)
	run := func(a, b []byte) error {
		_, err := sess.Run(tf.Feeds{p: tensor.FromSlice(a), q: tensor.FromSlice(b)}, []*tf.Tensor{m})
		return err
	}
	if err := run(one, two); err != nil {
		t.Errorf("merging a and b: %v", err)
	}
	if err := run(one, one); err == nil || !strings.Contains(err.Error(), "duplicate tag a") {
		t.Errorf("merging a and a: %v, want a duplicate-tag error", err)
	}
	// Values without a tag have the empty one: two of them clash, as in
	// TensorFlow.
	untagged := []byte{0x0a, 0x05, 0x15, 0, 0, 0x80, 0x3f} // Value{simple_value: 1}
	if err := run(untagged, untagged); err == nil || !strings.Contains(err.Error(), "duplicate tag") {
		t.Errorf("merging two untagged values: %v, want a duplicate-tag error", err)
	}
	if err := run(one, []byte{0x0a, 0x05, 1}); err == nil || !strings.Contains(err.Error(), "could not parse summary input 1") {
		t.Errorf("merging a and garbage: %v, want a parse error", err)
	}
}

// TestFileWriterLinearRegression is the seeds' linear regression with
// summaries (note 002): a scalar of the loss and a histogram of the
// weights, merged, run with every step and written by a FileWriter that
// also wrote the graph; the Go reader reads back the steps, tags and
// values.
func TestFileWriterLinearRegression(t *testing.T) {
	dir := t.TempDir()
	g := tf.NewGraph()
	xs := tensor.FromSlice([]float32{0, 1, 2, 3}, 4, 1)
	ys := tensor.FromSlice([]float32{0.7, 1.5, 2.3, 3.1}, 4, 1)
	x := tf.Placeholder(g, tf.Float32, tf.Shape{-1, 1}, tf.Name("x"))
	y := tf.Placeholder(g, tf.Float32, tf.Shape{-1, 1}, tf.Name("y"))
	w := tf.NewVariable(g, tensor.FromSlice([]float32{0.1}, 1, 1), tf.Name("w"))
	b := tf.NewVariable(g, tensor.FromSlice([]float32{0}, 1), tf.Name("b"))
	pred := tf.Add(tf.MatMul(x, w.Tensor()), b.Tensor())
	loss := tf.ReduceMean(tf.Square(tf.Sub(pred, y)), nil, false)
	grads := tf.VariableGradients([]*tf.Tensor{loss}, []*tf.Variable{w, b})
	lr := tf.Const(g, tensor.FromSlice([]float32{0.01}).Reshape())
	train := tf.Group(g, []*tf.Operation{tf.ApplyGradientDescent(w, lr, grads[0]), tf.ApplyGradientDescent(b, lr, grads[1])})
	Scalar("error", loss)
	Histogram("weights", w.Tensor())
	merged := MergeAll(g)

	fw, err := NewFileWriter(dir, g)
	if err != nil {
		t.Fatal(err)
	}
	nOps := len(g.Operations())
	sess := tf.NewSession(g)
	if _, err := sess.Run(nil, nil, tf.GlobalVariablesInitializer(g)); err != nil {
		t.Fatal(err)
	}
	feeds := tf.Feeds{x: xs, y: ys}
	var losses []float64
	var weights []float64
	for i := 0; i < 5; i++ {
		out, err := sess.Run(feeds, []*tf.Tensor{merged, loss, w.Tensor()}, train)
		if err != nil {
			t.Fatal(err)
		}
		if err := fw.AddSummary(out[0], int64(i)); err != nil {
			t.Fatal(err)
		}
		losses = append(losses, float64(float32(out[1].Float(0))))
		weights = append(weights, out[2].Float(0))
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	evs := readOnly(t, dir)
	if len(evs) != 1+1+5 {
		t.Fatalf("%d events, want file version, graph and 5 summaries", len(evs))
	}
	if len(evs[1].GraphDef) == 0 {
		t.Fatal("second event is not the graph")
	}
	var gd tbpb.GraphDef
	if err := proto.Unmarshal(evs[1].GraphDef, &gd); err != nil || len(gd.Node) != nOps {
		t.Fatalf("graph: %v, %d nodes for %d ops", err, len(gd.Node), nOps)
	}
	for i, ev := range evs[2:] {
		if ev.Step != int64(i) || len(ev.Values) != 2 {
			t.Fatalf("event %d: step %d, %d values", i, ev.Step, len(ev.Values))
		}
		e, h := ev.Values[0], ev.Values[1]
		if e.Tag != "error" || e.Plugin != "scalars" || e.Scalar != losses[i] {
			t.Errorf("step %d: %q %s %v, want error = %v", i, e.Tag, e.Plugin, e.Scalar, losses[i])
		}
		var n float64
		for _, bk := range h.Histogram {
			n += bk.Count
		}
		if h.Tag != "weights" || h.Plugin != "histograms" || n != 1 {
			t.Errorf("step %d: histogram %q %s with %v values, want weights with 1", i, h.Tag, h.Plugin, n)
		}
		// The one weight lies in the bucket that counts it. The summary
		// read w before the step's update; the fetched w is the updated
		// value (a variable read fetches the variable's storage).
		before := 0.1
		if i > 0 {
			before = weights[i-1]
		}
		for _, bk := range h.Histogram {
			if bk.Count == 1 && (float32(before) < float32(bk.Left) || float32(before) > float32(bk.Right)) {
				t.Errorf("step %d: weight %v counted in [%v, %v]", i, before, bk.Left, bk.Right)
			}
		}
	}
	if !(losses[4] < losses[0]) {
		t.Errorf("loss did not fall: %v", losses)
	}
}

func TestAddSummaryErrors(t *testing.T) {
	fw, err := NewFileWriter(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	if err := fw.AddSummary(tensor.FromSlice([]float32{1}), 0); err == nil {
		t.Error("AddSummary of a float tensor: no error")
	}
	if err := fw.AddSummary(nil, 0); err == nil {
		t.Error("AddSummary of nil: no error")
	}
	if err := fw.AddSummaryBytes([]byte{0x0a, 0x09, 1}, 0); err == nil {
		t.Error("AddSummaryBytes of garbage: no error")
	}
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(fw.Path()), "*"))
	if len(files) != 1 {
		t.Errorf("%d files, want 1", len(files))
	}
	if _, err := os.Stat(fw.Path()); err != nil {
		t.Error(err)
	}
}

// A training step that also computes merged scalar and histogram summaries
// allocates nothing once its plan and buffers exist (the summaries' bytes
// are written into the previous run's buffers when the size is the same).
func TestSummaryOpsSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops items at random")
	}
	g := tf.NewGraph()
	x := tf.Placeholder(g, tf.Float32, tf.Shape{4}, tf.Name("x"))
	m := Merge([]*tf.Tensor{Scalar("sum", tf.ReduceSum(x, nil, false)), Histogram("x", x)})
	sess := tf.NewSession(g)
	feeds := tf.Feeds{x: tensor.FromSlice([]float32{1, 2, 3, 4})}
	dst := make([]*tensor.Tensor, 1)
	run := func() {
		if err := sess.RunInto(dst, feeds, []*tf.Tensor{m}); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n := testing.AllocsPerRun(20, run); n != 0 {
		t.Errorf("%v allocations per step, want 0", n)
	}
	if len(decodeSummary(t, dst[0]).Value) != 2 {
		t.Error("the merged summary lost a value")
	}
}
