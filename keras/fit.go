package keras

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"strings"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/keras/internal/progbar"
	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// FitOption configures Fit, Evaluate and Predict.
type FitOption func(*fitConfig)

type fitConfig struct {
	epochs, batchSize, verbose, initialEpoch int
	validationSplit                          float64
	valX, valY                               any
	validationFreq                           int
	shuffle                                  bool
	classWeight                              map[int]float64
	sampleWeight                             *tensor.Tensor
	callbacks                                []Callback
	out                                      io.Writer
	stepsPerEpoch                            int
}

func newFitConfig(opts []FitOption) *fitConfig {
	c := &fitConfig{epochs: 1, batchSize: 32, verbose: 1, shuffle: true, validationFreq: 1, out: os.Stdout}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Epochs sets the number of epochs (default 1).
func Epochs(n int) FitOption { return func(c *fitConfig) { c.epochs = n } }

// BatchSize sets the batch size (default 32).
func BatchSize(n int) FitOption { return func(c *fitConfig) { c.batchSize = n } }

// Verbose sets the output: 0 silent, 1 progress bar (default), 2 one line
// per epoch.
func Verbose(v int) FitOption { return func(c *fitConfig) { c.verbose = v } }

// ValidationSplit holds out the last fraction of the samples (before
// shuffling) to validate on at the end of each epoch.
func ValidationSplit(f float64) FitOption { return func(c *fitConfig) { c.validationSplit = f } }

// ValidationData validates on x, y at the end of each epoch.
func ValidationData(x, y any) FitOption { return func(c *fitConfig) { c.valX, c.valY = x, y } }

// ValidationFreq validates every n epochs (default 1).
func ValidationFreq(n int) FitOption { return func(c *fitConfig) { c.validationFreq = n } }

// Shuffle sets whether samples are shuffled before each epoch (default
// true; ignored for a Dataset).
func Shuffle(b bool) FitOption { return func(c *fitConfig) { c.shuffle = b } }

// InitialEpoch sets the epoch to start from (resuming a run).
func InitialEpoch(n int) FitOption { return func(c *fitConfig) { c.initialEpoch = n } }

// ClassWeight weights each sample's loss by the weight of its class.
func ClassWeight(w map[int]float64) FitOption { return func(c *fitConfig) { c.classWeight = w } }

// SampleWeight weights each sample's loss (one weight per sample).
func SampleWeight(w *tensor.Tensor) FitOption { return func(c *fitConfig) { c.sampleWeight = w } }

// Callbacks adds callbacks.
func Callbacks(cbs ...Callback) FitOption {
	return func(c *fitConfig) { c.callbacks = append(c.callbacks, cbs...) }
}

// Output sets where progress is written (default os.Stdout).
func Output(w io.Writer) FitOption { return func(c *fitConfig) { c.out = w } }

// StepsPerEpoch sets the batches per epoch when fitting on a Dataset (it is
// needed for an infinite one). When it differs from the dataset's length,
// one pass over the dataset runs across epochs, as in Keras: an epoch goes
// on where the last one stopped, and a dataset that runs out ends training
// with a warning.
func StepsPerEpoch(n int) FitOption { return func(c *fitConfig) { c.stepsPerEpoch = n } }

// ErrNotCompiled is returned by Fit and Evaluate before Compile.
var ErrNotCompiled = errors.New("keras: the model must be compiled before training or evaluating it: call Compile first")

// arrays is in-memory data: inputs, labels, optional sample weights.
type arrays struct {
	xs, ys []*tensor.Tensor
	sw     *tensor.Tensor
	n      int
}

func toTensors(what string, v any) ([]*tensor.Tensor, error) {
	switch x := v.(type) {
	case *tensor.Tensor:
		if x == nil {
			return nil, fmt.Errorf("keras: %s is nil", what)
		}
		return []*tensor.Tensor{x}, nil
	case []*tensor.Tensor:
		for i, t := range x {
			if t == nil {
				return nil, fmt.Errorf("keras: %s[%d] is nil", what, i)
			}
		}
		return x, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("keras: %s must be a *tensor.Tensor, a []*tensor.Tensor or (for x) a *data.Dataset, got %T", what, v)
}

func makeArrays(x, y any) (*arrays, error) {
	xs, err := toTensors("x", x)
	if err != nil {
		return nil, err
	}
	if len(xs) == 0 {
		return nil, errors.New("keras: no input data")
	}
	ys, err := toTensors("y", y)
	if err != nil {
		return nil, err
	}
	a := &arrays{xs: xs, ys: ys}
	for i, t := range xs {
		if t.Rank() == 0 {
			return nil, fmt.Errorf("keras: x[%d] is a scalar; the first dimension must be the samples", i)
		}
	}
	a.n = xs[0].Dim(0)
	if a.n == 0 {
		// Keras: "Expect x to be a non-empty array or dataset."
		return nil, fmt.Errorf("keras: x has no samples (shape %v)", xs[0].Shape())
	}
	for i, t := range xs[1:] {
		if t.Dim(0) != a.n {
			return nil, fmt.Errorf("keras: inputs have different numbers of samples: x[0] has %d, x[%d] has %d", a.n, i+1, t.Dim(0))
		}
	}
	for i, t := range ys {
		if t.Rank() == 0 || t.Dim(0) != a.n {
			return nil, fmt.Errorf("keras: x and y have different numbers of samples: x has %d, y[%d] has shape %v", a.n, i, t.Shape())
		}
	}
	return a, nil
}

// checkInputs compares data shapes with the model's inputs (building the
// model from them if needed).
func (m *Model) checkInputs(xs []*tensor.Tensor) error {
	if err := m.ensureBuilt(); err != nil {
		return err
	}
	if m.g == nil {
		if len(xs) != 1 {
			return fmt.Errorf("keras: cannot build %s from %d inputs", m.name, len(xs))
		}
		m.inDTypes = []tensor.DType{xs[0].DType()}
		if err := m.Build(xs[0].Shape()[1:]...); err != nil {
			return err
		}
	}
	if len(xs) != len(m.inPh) {
		return fmt.Errorf("keras: model %s has %d inputs, got %d arrays", m.name, len(m.inPh), len(xs))
	}
	for i, x := range xs {
		ph := m.inPh[i]
		want := ph.Shape()
		got := x.Shape()
		ok := len(got) == len(want)
		for j := 1; ok && j < len(want); j++ {
			ok = want[j] < 0 || want[j] == got[j]
		}
		if !ok {
			return fmt.Errorf("keras: input %d has shape %v, but model %s expects %v (batch first)", i, got, m.name, want)
		}
		if x.DType() != ph.DType() {
			return fmt.Errorf("keras: input %d is %v, but model %s expects %v", i, x.DType(), m.name, ph.DType())
		}
	}
	return nil
}

// stepKey identifies a compiled step: its kind and the labels' dtypes and
// ranks.
type stepKey struct {
	train    bool
	labels   string
	weighted bool
}

// step is one compiled computation: the graph tensors fed and fetched.
type step struct {
	yPh, swPh []*tf.Tensor
	loss      *tf.Tensor
	outLosses []*tf.Tensor // each output's loss, logged for models with several outputs
	fetches   []*tf.Tensor
	target    *tf.Operation
	outputs   []*tf.Tensor
	metrics   [][]metrics.Metric
	names     []string
}

func labelKey(ys []*tensor.Tensor) string {
	var b strings.Builder
	for _, y := range ys {
		fmt.Fprintf(&b, "%v%v;", y.DType(), y.Shape()[1:])
	}
	return b.String()
}

// getStep builds (once) the training or evaluation graph for labels like ys.
func (m *Model) getStep(train bool, ys []*tensor.Tensor, weighted bool) (st *step, err error) {
	key := stepKey{train, labelKey(ys), weighted}
	if s := m.steps[key]; s != nil {
		return s, nil
	}
	c := m.comp
	outs := m.inferOut
	if train {
		outs = m.trainOut
	}
	if len(ys) != len(outs) {
		return nil, fmt.Errorf("keras: model %s has %d outputs, got %d label arrays", m.name, len(outs), len(ys))
	}
	ls := c.losses
	if len(ls) == 1 && len(outs) > 1 {
		for len(ls) < len(outs) {
			ls = append(ls, c.losses[0])
		}
	}
	if len(ls) != len(outs) {
		return nil, fmt.Errorf("keras: model %s has %d outputs but %d losses", m.name, len(outs), len(ls))
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("keras: building the %s step of %s: %v", map[bool]string{true: "training", false: "evaluation"}[train], m.name, r)
		}
	}()
	g := m.g
	st = &step{}
	var total *tf.Tensor
	exit := g.NameScope("loss")
	for i, out := range outs {
		y := ys[i]
		yShape := append(tensor.Shape{-1}, y.Shape()[1:]...)
		yph := tf.Placeholder(g, y.DType(), yShape, tf.Name(fmt.Sprintf("y%d", i)))
		st.yPh = append(st.yPh, yph)
		var sw *tf.Tensor
		if weighted {
			sw = tf.Placeholder(g, out.DType(), tensor.Shape{-1}, tf.Name(fmt.Sprintf("sample_weight%d", i)))
			st.swPh = append(st.swPh, sw)
		}
		if err := checkLabels(ls[i], y, out); err != nil {
			panic(err.Error())
		}
		l := losses.Compute(ls[i], yph, out, sw)
		if len(outs) > 1 {
			st.outLosses = append(st.outLosses, l)
		}
		if i < len(c.lossWeights) {
			l = tf.Mul(l, tf.Const(g, tensor.Fill(l.DType(), c.lossWeights[i])))
		}
		if total == nil {
			total = l
		} else {
			total = tf.Add(total, l)
		}
	}
	// Regularization penalties, as Keras adds layer losses to the loss.
	for _, l := range m.layerList {
		for _, w := range l.LayerBase().WeightList() {
			if w.Regularizer != nil {
				total = tf.Add(total, tf.Cast(w.Regularizer.Penalty(w.Var.In(g)), total.DType()))
			}
		}
	}
	act := m.inferAct
	if train {
		act = m.actLosses
	}
	for _, p := range act {
		total = tf.Add(total, tf.Cast(p, total.DType()))
	}
	exit()
	st.loss = total
	st.outputs = outs
	st.fetches = append(append([]*tf.Tensor{total}, outs...), st.outLosses...)
	if train {
		vars := m.TrainableWeights()
		grads := tf.VariableGradients([]*tf.Tensor{total}, vars)
		var gs []*tf.Tensor
		var vs []*tf.Variable
		for i, gr := range grads {
			if gr != nil {
				gs = append(gs, gr)
				vs = append(vs, vars[i])
			}
		}
		if len(vs) == 0 {
			return nil, fmt.Errorf("keras: model %s has no trainable weights connected to the loss", m.name)
		}
		st.target = c.opt.ApplyGradientsOp(gs, vs)
		if len(m.updates) > 0 {
			st.target = tf.Group(g, append([]*tf.Operation{st.target}, m.updates...), tf.Name("train_step"))
		}
	}
	// Metrics, resolved against the labels and outputs as Keras does.
	// Keras logs each output's loss after the total: "loss", "class_loss", ...
	st.names = []string{"loss"}
	for i := range st.outLosses {
		st.names = append(st.names, m.outputName(i)+"_loss")
	}
	for i, out := range outs {
		var ms []metrics.Metric
		if i < len(c.metricSpecs) || len(c.metricSpecs) == 1 {
			specs := c.metricSpecs[min(i, len(c.metricSpecs)-1)]
			for _, spec := range specs {
				mt, err := resolveMetric(spec, ls[i], ys[i], out)
				if err != nil {
					return nil, err
				}
				ms = append(ms, mt)
				name := mt.Name()
				if len(outs) > 1 {
					name = m.outputName(i) + "_" + name
				}
				st.names = append(st.names, name)
			}
		}
		st.metrics = append(st.metrics, ms)
	}
	if m.steps == nil {
		m.steps = map[stepKey]*step{}
	}
	m.steps[key] = st
	return st, nil
}

// resolveMetric makes a fresh metric object for one step.
func resolveMetric(spec any, l losses.Loss, y *tensor.Tensor, out *tf.Tensor) (metrics.Metric, error) {
	switch x := spec.(type) {
	case metrics.Metric:
		return x, nil
	case string:
		if s := strings.ToLower(x); s == "accuracy" || s == "acc" {
			return metrics.ResolveAccuracy(x, l.Name(), y.Rank(), out.Shape()), nil
		}
		mt, err := metrics.Get(x)
		if err != nil {
			return nil, fmt.Errorf("keras: %w", err)
		}
		return mt, nil
	}
	return nil, fmt.Errorf("keras: a metric must be a name or a metrics.Metric, got %T", spec)
}

// checkLabels validates label shapes against an output for a loss.
func checkLabels(l losses.Loss, y *tensor.Tensor, out *tf.Tensor) error {
	os := out.Shape()
	if strings.Contains(l.Name(), "sparse") {
		if !(y.Rank() == len(os)-1 || (y.Rank() == len(os) && y.Shape()[y.Rank()-1] == 1)) {
			return fmt.Errorf("sparse labels must have shape (batch,) or (batch, 1) for an output of shape %v, got %v", os, y.Shape())
		}
		return nil
	}
	if l.Name() == "loss" { // custom: anything goes
		return nil
	}
	ys := y.Shape()
	if len(ys) == len(os)-1 && os[len(os)-1] == 1 {
		return nil
	}
	if len(ys) != len(os) {
		return fmt.Errorf("labels of shape %v do not match an output of shape %v for loss %s", ys, os, l.Name())
	}
	for i := 1; i < len(os); i++ {
		if os[i] >= 0 && ys[i] != os[i] {
			return fmt.Errorf("labels of shape %v do not match an output of shape %v for loss %s", ys, os, l.Name())
		}
	}
	return nil
}

// checkLabelRange catches labels a sparse cross-entropy cannot take, before
// they reach a kernel.
func (m *Model) checkLabelRange(ys []*tensor.Tensor) error {
	outs := m.inferOut
	for i, y := range ys {
		if i >= len(outs) {
			break
		}
		l := m.comp.losses[min(i, len(m.comp.losses)-1)]
		if !strings.Contains(l.Name(), "sparse") {
			continue
		}
		os := outs[i].Shape()
		k := os[len(os)-1]
		for j := 0; j < y.Size(); j++ {
			v := y.Float(j)
			if v != math.Trunc(v) || v < 0 || (k > 0 && v >= float64(k)) {
				return fmt.Errorf("keras: label %v of sample %d is out of range for %s with %d classes (want integers in [0, %d))", v, j, l.Name(), k, k)
			}
		}
	}
	return nil
}

// batcher copies rows of arrays into preallocated batch tensors.
type batcher struct {
	src  []*tensor.Tensor
	full []*tensor.Tensor // batchSize rows
	last []*tensor.Tensor // the final partial batch
}

func newBatcher(src []*tensor.Tensor, batch, n int) *batcher {
	b := &batcher{src: src}
	rem := n % batch
	for _, t := range src {
		if t == nil {
			b.full, b.last = append(b.full, nil), append(b.last, nil)
			continue
		}
		rest := t.Shape()[1:]
		b.full = append(b.full, tensor.New(t.DType(), append([]int{min(batch, n)}, rest...)...))
		if rem > 0 && n > batch {
			b.last = append(b.last, tensor.New(t.DType(), append([]int{rem}, rest...)...))
		} else {
			b.last = append(b.last, nil)
		}
	}
	return b
}

// fill copies rows idx of every source into the batch buffers for idx's
// size and returns them.
func (b *batcher) fill(idx []int) []*tensor.Tensor {
	dst := b.pick(len(idx))
	for i, s := range b.src {
		if s != nil {
			copyRows(dst[i], s, idx)
		}
	}
	return dst
}

// pick returns the buffers for a batch of n rows.
func (b *batcher) pick(n int) []*tensor.Tensor {
	if n != b.full[0].Dim(0) && b.last[0] != nil {
		return b.last
	}
	return b.full
}

// copyRows copies rows idx of src into dst; the batcher sized dst for them.
func copyRows(dst, src *tensor.Tensor, idx []int) {
	if err := data.GatherRows(dst, src, idx); err != nil {
		panic("keras: batching: " + err.Error()) // an internal error: sizes were checked
	}
}

// sampleWeights combines sample and class weights into one weight per
// sample (nil when neither is given).
func sampleWeights(c *fitConfig, a *arrays) (*tensor.Tensor, error) {
	if c.sampleWeight == nil && c.classWeight == nil {
		return nil, nil
	}
	w := tensor.Ones(tensor.Float32, a.n)
	ws := w.Float32s()
	if c.sampleWeight != nil {
		if c.sampleWeight.Size() != a.n {
			return nil, fmt.Errorf("keras: %d sample weights for %d samples", c.sampleWeight.Size(), a.n)
		}
		for i := range ws {
			ws[i] = float32(c.sampleWeight.Float(i))
		}
	}
	if c.classWeight != nil {
		if len(a.ys) != 1 {
			return nil, errors.New("keras: ClassWeight needs a model with one output")
		}
		y := a.ys[0]
		per := y.Size() / a.n
		for i := range ws {
			cls := 0
			if per == 1 {
				cls = int(y.Float(i))
			} else { // one-hot: the argmax
				best := math.Inf(-1)
				for j := 0; j < per; j++ {
					if v := y.Float(i*per + j); v > best {
						best, cls = v, j
					}
				}
			}
			if cw, ok := c.classWeight[cls]; ok {
				ws[i] *= float32(cw)
			}
		}
	}
	return w, nil
}

// checkClassWeight rejects class weights for classes the model cannot
// output (Keras rejects them too).
func (m *Model) checkClassWeight(c *fitConfig) error {
	if len(c.classWeight) == 0 || len(m.inferOut) != 1 {
		return nil
	}
	os := m.inferOut[0].Shape()
	k := os[len(os)-1]
	if k == 1 { // one sigmoid unit: classes 0 and 1
		k = 2
	}
	for cls := range c.classWeight {
		if k > 0 && (cls < 0 || cls >= k) {
			return fmt.Errorf("keras: ClassWeight has class %d, but the model's output has %d classes", cls, k)
		}
	}
	return nil
}

// split holds out the last fraction of a for validation.
func split(a *arrays, frac float64) (train, val *arrays, err error) {
	if frac <= 0 {
		return a, nil, nil
	}
	if frac >= 1 {
		return nil, nil, fmt.Errorf("keras: ValidationSplit must be in [0, 1), got %v", frac)
	}
	nv := int(math.Floor(float64(a.n) * frac))
	nt := a.n - nv
	if nt == 0 || nv == 0 {
		return nil, nil, fmt.Errorf("keras: ValidationSplit %v of %d samples leaves an empty set", frac, a.n)
	}
	cut := func(ts []*tensor.Tensor, lo, hi int) []*tensor.Tensor {
		var out []*tensor.Tensor
		for _, t := range ts {
			out = append(out, sliceRows(t, lo, hi))
		}
		return out
	}
	train = &arrays{xs: cut(a.xs, 0, nt), ys: cut(a.ys, 0, nt), n: nt}
	val = &arrays{xs: cut(a.xs, nt, a.n), ys: cut(a.ys, nt, a.n), n: nv}
	if a.sw != nil {
		train.sw = sliceRows(a.sw, 0, nt)
	}
	return train, val, nil
}

// sliceRows copies rows [lo, hi) of t.
func sliceRows(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	begin, size := make([]int, t.Rank()), make([]int, t.Rank())
	for i := range size {
		size[i] = -1
	}
	begin[0], size[0] = lo, hi-lo
	return tensor.Slice(t, begin, size)
}

// Logs holds the values callbacks see: "loss", metric names (prefixed, for
// a model with several outputs, by the name of the layer that makes each
// output: "class_accuracy"), and "val_" versions at the end of an epoch.
type Logs map[string]float64

// Fit trains the model on x and y (tensors with samples first, or lists of
// them for several inputs/outputs) or on x alone when it is a *data.Dataset
// of (features, labels[, sample weights]) batches. It returns the History
// and an error for bad input (mismatched lengths or shapes, labels out of
// range, no Compile) or a NaN loss.
func (m *Model) Fit(x, y any, opts ...FitOption) (*History, error) {
	if m.comp == nil {
		return nil, ErrNotCompiled
	}
	c := newFitConfig(opts)
	m.fitOut = c.out
	defer func() { m.fitOut = nil }()
	if c.epochs < 0 || c.batchSize <= 0 {
		return nil, fmt.Errorf("keras: Fit: epochs must be >= 0 and batch size > 0 (got %d, %d)", c.epochs, c.batchSize)
	}
	switch {
	case c.initialEpoch < 0:
		return nil, fmt.Errorf("keras: Fit: InitialEpoch must be >= 0, got %d", c.initialEpoch)
	case c.stepsPerEpoch < 0:
		return nil, fmt.Errorf("keras: Fit: StepsPerEpoch must be >= 0, got %d", c.stepsPerEpoch)
	case c.validationFreq < 1:
		return nil, fmt.Errorf("keras: Fit: ValidationFreq must be >= 1, got %d", c.validationFreq)
	case c.validationSplit < 0 || c.validationSplit >= 1:
		return nil, fmt.Errorf("keras: ValidationSplit must be in [0, 1), got %v", c.validationSplit)
	}
	hist := NewHistory()
	cbs := append([]Callback{hist}, c.callbacks...)
	if ds, ok := x.(*data.Dataset); ok {
		switch {
		case y != nil:
			return nil, errors.New("keras: Fit: y must be nil when x is a Dataset (its elements carry the labels)")
		case c.validationSplit > 0:
			// Keras refuses too: a dataset cannot be split without reading it.
			return nil, errors.New("keras: Fit: ValidationSplit needs tensors; with a Dataset give ValidationData")
		case c.sampleWeight != nil || c.classWeight != nil:
			return nil, errors.New("keras: Fit: SampleWeight and ClassWeight need tensors; with a Dataset make the weights its third component (x, y, sample_weight)")
		}
		return hist, m.fitDataset(ds, c, cbs)
	}
	a, err := makeArrays(x, y)
	if err != nil {
		return nil, err
	}
	if len(a.ys) == 0 {
		return nil, errors.New("keras: Fit: no labels (y)")
	}
	if err := m.checkInputs(a.xs); err != nil {
		return nil, err
	}
	if err := m.checkLabelRange(a.ys); err != nil {
		return nil, err
	}
	if err := m.checkClassWeight(c); err != nil {
		return nil, err
	}
	if a.sw, err = sampleWeights(c, a); err != nil {
		return nil, err
	}
	train, val, err := split(a, c.validationSplit)
	if err != nil {
		return nil, err
	}
	if _, isDS := c.valX.(*data.Dataset); isDS && c.valY != nil {
		return nil, errors.New("keras: validation data: y must be nil when x is a Dataset")
	}
	if _, isDS := c.valX.(*data.Dataset); val == nil && c.valX != nil && !isDS {
		if val, err = makeArrays(c.valX, c.valY); err != nil {
			return nil, fmt.Errorf("keras: validation data: %w", err)
		}
		if err := m.checkInputs(val.xs); err != nil {
			return nil, fmt.Errorf("keras: validation data: %w", err)
		}
		if err := m.checkLabelRange(val.ys); err != nil {
			return nil, fmt.Errorf("keras: validation data: %w", err)
		}
	}
	st, err := m.getStep(true, train.ys, train.sw != nil)
	if err != nil {
		return nil, err
	}
	return hist, m.fitArrays(st, train, val, c, cbs)
}

// runner feeds one compiled step.
type runner struct {
	m     *Model
	st    *step
	feeds tf.Feeds
	logs  Logs
	loss  *metrics.Mean
	outL  []*metrics.Mean // per-output losses (several outputs only)
	vals  []float64
	out   []*tensor.Tensor
}

func (m *Model) newRunner(st *step) *runner {
	r := &runner{m: m, st: st, feeds: tf.Feeds{}, logs: Logs{}, loss: metrics.NewMean("loss"), vals: make([]float64, len(st.names)), out: make([]*tensor.Tensor, len(st.fetches))}
	for i := range st.outLosses {
		r.outL = append(r.outL, metrics.NewMean(st.names[1+i]))
	}
	return r
}

func (r *runner) reset() {
	r.loss.ResetState()
	for _, l := range r.outL {
		l.ResetState()
	}
	for _, ms := range r.st.metrics {
		for _, mt := range ms {
			mt.ResetState()
		}
	}
}

// run feeds one batch (inputs, labels, weights), runs the step and updates
// the metrics.
func (r *runner) run(xs, ys []*tensor.Tensor, sw *tensor.Tensor) error {
	st, m := r.st, r.m
	for i, ph := range m.inPh {
		r.feeds[ph] = xs[i]
	}
	for i, ph := range st.yPh {
		r.feeds[ph] = ys[i]
	}
	for _, ph := range st.swPh {
		r.feeds[ph] = sw
	}
	// RunInto copies the fetched loss and outputs into r.out's buffers:
	// nothing is allocated once they exist.
	var err error
	if st.target != nil {
		err = m.sess.RunInto(r.out, r.feeds, st.fetches, st.target)
	} else {
		err = m.sess.RunInto(r.out, r.feeds, st.fetches)
	}
	if err != nil {
		return err
	}
	out := r.out
	n := xs[0].Dim(0)
	loss := out[0].Float(0)
	r.loss.Add(loss, float64(n))
	for i, ms := range st.metrics {
		for _, mt := range ms {
			if err := mt.UpdateState(ys[i], out[1+i], nil); err != nil {
				return err
			}
		}
	}
	r.vals[0] = r.loss.Result()
	k := 1
	for j, l := range r.outL {
		l.Add(out[1+len(st.outputs)+j].Float(0), float64(n))
		r.vals[k] = l.Result()
		k++
	}
	for _, ms := range st.metrics {
		for _, mt := range ms {
			r.vals[k] = mt.Result()
			k++
		}
	}
	for i, name := range st.names {
		r.logs[name] = r.vals[i]
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return &nanError{loss: loss}
	}
	return nil
}

type nanError struct{ loss float64 }

func (e *nanError) Error() string { return fmt.Sprintf("loss is %v", e.loss) }

func hasTerminateOnNaN(cbs []Callback) bool {
	for _, cb := range cbs {
		if _, ok := cb.(*TerminateOnNaN); ok {
			return true
		}
	}
	return false
}

func (m *Model) fitArrays(st *step, train, val *arrays, c *fitConfig, cbs []Callback) error {
	r := m.newRunner(st)
	bx := newBatcher(train.xs, c.batchSize, train.n)
	by := newBatcher(train.ys, c.batchSize, train.n)
	var bw *batcher
	if train.sw != nil {
		bw = newBatcher([]*tensor.Tensor{train.sw}, c.batchSize, train.n)
	}
	steps := (train.n + c.batchSize - 1) / c.batchSize
	perm := make([]int, train.n)
	for i := range perm {
		perm[i] = i
	}
	rng := tensor.NewRNG()
	m.StopTraining = false
	for _, cb := range cbs {
		cb.SetModel(m)
	}
	for _, cb := range cbs {
		cb.OnTrainBegin(r.logs)
	}
	nanStop := hasTerminateOnNaN(cbs)
	for epoch := c.initialEpoch; epoch < c.epochs; epoch++ {
		for _, cb := range cbs {
			cb.OnEpochBegin(epoch, r.logs)
		}
		r.reset()
		clear(r.logs)
		if c.shuffle {
			rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		}
		if c.verbose > 0 {
			fmt.Fprintf(c.out, "Epoch %d/%d\n", epoch+1, c.epochs)
		}
		bar := progbar.New(c.out, steps, c.verbose, "step")
		done := 0
		for s := 0; s < steps; s++ {
			for _, cb := range cbs {
				cb.OnTrainBatchBegin(s, r.logs)
			}
			idx := perm[s*c.batchSize : min(train.n, (s+1)*c.batchSize)]
			xs, ys := bx.fill(idx), by.fill(idx)
			var sw *tensor.Tensor
			if bw != nil {
				sw = bw.fill(idx)[0]
			}
			if err := r.run(xs, ys, sw); err != nil {
				var ne *nanError
				if errors.As(err, &ne) {
					if nanStop {
						fmt.Fprintf(c.out, "Batch %d: Invalid loss, terminating training\n", s)
						m.StopTraining = true
						break
					}
					return fmt.Errorf("keras: Fit stopped: the loss became %v at epoch %d, batch %d (lower the learning rate, check the data for NaN/Inf or use from_logits)", ne.loss, epoch+1, s+1)
				}
				return fmt.Errorf("keras: Fit: epoch %d, batch %d: %w", epoch+1, s+1, err)
			}
			done = s + 1
			bar.Update(done, r.st.names, r.vals, false)
			for _, cb := range cbs {
				cb.OnTrainBatchEnd(s, r.logs)
			}
			if m.StopTraining {
				break
			}
		}
		if (val != nil || c.valX != nil) && (epoch+1)%max(1, c.validationFreq) == 0 {
			var vl float64
			var vm map[string]float64
			var err error
			if val != nil {
				vl, vm, err = m.evaluateArrays(val, c.batchSize, 0, nil)
			} else { // a Dataset
				vl, vm, err = m.Evaluate(c.valX, nil, Verbose(0))
			}
			if err != nil {
				return fmt.Errorf("keras: validation: %w", err)
			}
			r.logs["val_loss"] = vl
			for k, v := range vm {
				r.logs["val_"+k] = v
			}
		}
		finishBar(bar, done, r)
		for _, cb := range cbs {
			cb.OnEpochEnd(epoch, r.logs)
		}
		if m.StopTraining {
			break
		}
	}
	for _, cb := range cbs {
		cb.OnTrainEnd(r.logs)
	}
	return nil
}

func (m *Model) fitDataset(ds *data.Dataset, c *fitConfig, cbs []Callback) error {
	var r *runner
	m.StopTraining = false
	for _, cb := range cbs {
		cb.SetModel(m)
	}
	steps := int(ds.Cardinality())
	if c.stepsPerEpoch > 0 {
		steps = c.stepsPerEpoch
	} else if ds.Cardinality() == data.Infinite {
		// Keras refuses too: an epoch would never end.
		return errors.New("keras: Fit: the dataset is infinite (Repeat(-1)): give StepsPerEpoch, or Take a finite part")
	}
	// With StepsPerEpoch shorter (or longer) than a pass, one iteration runs
	// across the epochs, as Keras: each epoch goes on where the last one
	// stopped instead of starting the dataset over (which would train on
	// the same first batches every epoch).
	var persistent *data.Iterator
	ranOut := false
	if c.stepsPerEpoch > 0 && int64(c.stepsPerEpoch) != ds.Cardinality() {
		persistent = ds.Iter()
		defer persistent.Close()
	}
	epochData := func() iter.Seq2[data.Element, error] {
		if persistent == nil {
			return ds.All()
		}
		return func(yield func(data.Element, error) bool) {
			for n := 0; n < c.stepsPerEpoch; n++ {
				e, err := persistent.Next()
				if err == io.EOF {
					ranOut = true
					return
				}
				if !yield(e, err) || err != nil {
					return
				}
			}
		}
	}
	logs := Logs{}
	for _, cb := range cbs {
		cb.OnTrainBegin(logs)
	}
	nanStop := hasTerminateOnNaN(cbs)
	for epoch := c.initialEpoch; epoch < c.epochs; epoch++ {
		for _, cb := range cbs {
			cb.OnEpochBegin(epoch, logs)
		}
		if r != nil {
			r.reset()
			clear(r.logs)
		}
		if c.verbose > 0 {
			fmt.Fprintf(c.out, "Epoch %d/%d\n", epoch+1, c.epochs)
		}
		bar := progbar.New(c.out, steps, c.verbose, "step")
		s := 0
		for elem, err := range epochData() {
			if err != nil {
				return fmt.Errorf("keras: Fit: reading the dataset: %w", err)
			}
			if c.stepsPerEpoch > 0 && s >= c.stepsPerEpoch {
				break
			}
			if len(elem) < 2 {
				return fmt.Errorf("keras: Fit: dataset elements must be (x, y) or (x, y, sample_weight), got %d components", len(elem))
			}
			xs, ys := elem[:1], elem[1:2]
			var sw *tensor.Tensor
			if len(elem) > 2 {
				sw = elem[2]
			}
			if xs[0].Rank() == 0 || ys[0].Rank() == 0 || xs[0].Dim(0) != ys[0].Dim(0) {
				return fmt.Errorf("keras: Fit: dataset batch %d has x of shape %v and y of shape %v (batch the dataset, and give x and y the same number of samples)", s+1, xs[0].Shape(), ys[0].Shape())
			}
			if err := m.checkInputs(xs); err != nil {
				return err
			}
			if err := m.checkLabelRange(ys); err != nil {
				return err
			}
			if r == nil {
				st, err := m.getStep(true, ys, sw != nil)
				if err != nil {
					return err
				}
				r = m.newRunner(st)
				for _, cb := range cbs {
					cb.SetModel(m)
				}
			}
			for _, cb := range cbs {
				cb.OnTrainBatchBegin(s, r.logs)
			}
			if err := r.run(xs, ys, sw); err != nil {
				var ne *nanError
				if errors.As(err, &ne) {
					if nanStop {
						fmt.Fprintf(c.out, "Batch %d: Invalid loss, terminating training\n", s)
						m.StopTraining = true
						break
					}
					return fmt.Errorf("keras: Fit stopped: the loss became %v at epoch %d, batch %d (lower the learning rate, check the data for NaN/Inf or use from_logits)", ne.loss, epoch+1, s+1)
				}
				return fmt.Errorf("keras: Fit: epoch %d, batch %d: %w", epoch+1, s+1, err)
			}
			s++
			bar.Update(s, r.st.names, r.vals, false)
			for _, cb := range cbs {
				cb.OnTrainBatchEnd(s-1, r.logs)
			}
			if m.StopTraining {
				break
			}
		}
		if r == nil {
			return errors.New("keras: Fit: the dataset is empty")
		}
		if ranOut {
			fmt.Fprintf(c.out, "WARNING: Your input ran out of data; interrupting training. Make sure that your dataset can generate at least `steps_per_epoch * epochs` batches (in this case, %d batches). You may need to use Repeat() when building your dataset.\n",
				c.stepsPerEpoch*(c.epochs-c.initialEpoch))
			m.StopTraining = true
			if s == 0 {
				break // no batch this epoch: nothing to report
			}
		}
		if steps < 0 {
			// Unknown cardinality: the first epoch counted it, as Keras.
			steps = s
		}
		logs = r.logs
		if c.valX != nil && (epoch+1)%max(1, c.validationFreq) == 0 {
			vl, vm, err := m.Evaluate(c.valX, c.valY, Verbose(0), BatchSize(c.batchSize))
			if err != nil {
				return fmt.Errorf("keras: validation: %w", err)
			}
			logs["val_loss"] = vl
			for k, v := range vm {
				logs["val_"+k] = v
			}
		}
		finishBar(bar, s, r)
		for _, cb := range cbs {
			cb.OnEpochEnd(epoch, logs)
		}
		if m.StopTraining {
			break
		}
	}
	for _, cb := range cbs {
		cb.OnTrainEnd(logs)
	}
	return nil
}

// finishBar writes an epoch's last progress line: the training values, then
// the validation ones when there are any, as Keras.
func finishBar(bar *progbar.Bar, steps int, r *runner) {
	names, vals := r.st.names, r.vals
	if _, ok := r.logs["val_loss"]; ok {
		names = append(append([]string(nil), names...), "val_loss")
		vals = append(append([]float64(nil), vals...), r.logs["val_loss"])
		for _, n := range r.st.names[1:] {
			if v, ok := r.logs["val_"+n]; ok {
				names = append(names, "val_"+n)
				vals = append(vals, v)
			}
		}
	}
	bar.Update(steps, names, vals, true)
}

// Evaluate computes the loss and metrics on x and y (or a Dataset of
// batches as x) in batches (default 32), printing a progress bar unless
// Verbose(0). It returns the loss and the metrics by name.
func (m *Model) Evaluate(x, y any, opts ...FitOption) (loss float64, ms map[string]float64, err error) {
	if m.comp == nil {
		return 0, nil, ErrNotCompiled
	}
	c := newFitConfig(opts)
	if c.batchSize <= 0 {
		return 0, nil, fmt.Errorf("keras: Evaluate: batch size must be positive, got %d", c.batchSize)
	}
	if ds, ok := x.(*data.Dataset); ok {
		return m.evaluateDataset(ds, c)
	}
	a, err := makeArrays(x, y)
	if err != nil {
		return 0, nil, err
	}
	if len(a.ys) == 0 {
		return 0, nil, errors.New("keras: Evaluate: no labels (y)")
	}
	if err := m.checkInputs(a.xs); err != nil {
		return 0, nil, err
	}
	if err := m.checkLabelRange(a.ys); err != nil {
		return 0, nil, err
	}
	if err := m.checkClassWeight(c); err != nil {
		return 0, nil, err
	}
	if a.sw, err = sampleWeights(c, a); err != nil {
		return 0, nil, err
	}
	return m.evaluateArrays(a, c.batchSize, c.verbose, c)
}

func (m *Model) evaluateArrays(a *arrays, batch, verbose int, c *fitConfig) (float64, map[string]float64, error) {
	st, err := m.getStep(false, a.ys, a.sw != nil)
	if err != nil {
		return 0, nil, err
	}
	r := m.newRunner(st)
	r.reset()
	bx := newBatcher(a.xs, batch, a.n)
	by := newBatcher(a.ys, batch, a.n)
	var bw *batcher
	if a.sw != nil {
		bw = newBatcher([]*tensor.Tensor{a.sw}, batch, a.n)
	}
	idx := make([]int, batch)
	steps := (a.n + batch - 1) / batch
	var out io.Writer = os.Stdout
	if c != nil {
		out = c.out
	}
	bar := progbar.New(out, steps, verbose, "step")
	for s := 0; s < steps; s++ {
		lo, hi := s*batch, min(a.n, (s+1)*batch)
		ix := idx[:hi-lo]
		for i := range ix {
			ix[i] = lo + i
		}
		var sw *tensor.Tensor
		if bw != nil {
			sw = bw.fill(ix)[0]
		}
		if err := r.run(bx.fill(ix), by.fill(ix), sw); err != nil {
			var ne *nanError
			if !errors.As(err, &ne) {
				return 0, nil, fmt.Errorf("keras: Evaluate: batch %d: %w", s+1, err)
			}
		}
		bar.Update(s+1, st.names, r.vals, s+1 == steps)
	}
	res := map[string]float64{}
	for i, n := range st.names[1:] {
		res[n] = r.vals[i+1]
	}
	return r.vals[0], res, nil
}

func (m *Model) evaluateDataset(ds *data.Dataset, c *fitConfig) (float64, map[string]float64, error) {
	var r *runner
	steps := int(ds.Cardinality())
	if ds.Cardinality() == data.Infinite {
		return 0, nil, errors.New("keras: Evaluate: the dataset is infinite (Repeat(-1)): Take a finite part")
	}
	bar := progbar.New(c.out, steps, c.verbose, "step")
	s := 0
	for elem, err := range ds.All() {
		if err != nil {
			return 0, nil, fmt.Errorf("keras: Evaluate: reading the dataset: %w", err)
		}
		if len(elem) < 2 {
			return 0, nil, fmt.Errorf("keras: Evaluate: dataset elements must be (x, y[, sample_weight]), got %d components", len(elem))
		}
		xs, ys := elem[:1], elem[1:2]
		var sw *tensor.Tensor
		if len(elem) > 2 {
			sw = elem[2]
		}
		if err := m.checkInputs(xs); err != nil {
			return 0, nil, err
		}
		if err := m.checkLabelRange(ys); err != nil {
			return 0, nil, err
		}
		if r == nil {
			st, err := m.getStep(false, ys, sw != nil)
			if err != nil {
				return 0, nil, err
			}
			r = m.newRunner(st)
			r.reset()
		}
		if err := r.run(xs, ys, sw); err != nil {
			var ne *nanError
			if !errors.As(err, &ne) {
				return 0, nil, fmt.Errorf("keras: Evaluate: batch %d: %w", s+1, err)
			}
		}
		s++
		bar.Update(s, r.st.names, r.vals, s == steps)
	}
	if r == nil {
		return 0, nil, errors.New("keras: Evaluate: the dataset is empty")
	}
	if steps <= 0 {
		bar.Update(s, r.st.names, r.vals, true)
	}
	res := map[string]float64{}
	for i, n := range r.st.names[1:] {
		res[n] = r.vals[i+1]
	}
	return r.vals[0], res, nil
}

// Predict runs the model in inference mode on x (a tensor, a list for
// several inputs, or a Dataset whose first component is the input) in
// batches (default 32), printing a progress bar unless Verbose(0) as Keras
// does, and returns the output (the first, for several: see PredictAll).
func (m *Model) Predict(x any, opts ...FitOption) (*tensor.Tensor, error) {
	outs, err := m.PredictAll(x, opts...)
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// PredictAll is Predict returning every output of the model.
func (m *Model) PredictAll(x any, opts ...FitOption) ([]*tensor.Tensor, error) {
	c := newFitConfig(opts)
	if c.batchSize <= 0 {
		return nil, fmt.Errorf("keras: Predict: batch size must be positive, got %d", c.batchSize)
	}
	if ds, ok := x.(*data.Dataset); ok {
		return m.predictDataset(ds)
	}
	a, err := makeArrays(x, nil)
	if err != nil {
		return nil, err
	}
	if err := m.checkInputs(a.xs); err != nil {
		return nil, err
	}
	outs := make([]*tensor.Tensor, len(m.inferOut))
	for i, o := range m.inferOut {
		outs[i] = tensor.New(o.DType(), append([]int{a.n}, o.Shape()[1:]...)...)
	}
	// One float32 input: feed views of its rows (no copy); otherwise copy
	// rows into batch buffers.
	direct := len(a.xs) == 1 && a.xs[0].DType() == tensor.Float32
	var bx *batcher
	if !direct {
		bx = newBatcher(a.xs, c.batchSize, a.n)
	}
	idx := make([]int, c.batchSize)
	feeds := tf.Feeds{}
	steps := (a.n + c.batchSize - 1) / c.batchSize
	bar := progbar.New(c.out, steps, c.verbose, "step")
	res := make([]*tensor.Tensor, len(m.inferOut))
	for s := 0; s < steps; s++ {
		lo, hi := s*c.batchSize, min(a.n, (s+1)*c.batchSize)
		ix := idx[:hi-lo]
		for i := range ix {
			ix[i] = lo + i
		}
		var xs []*tensor.Tensor
		if direct {
			xs = []*tensor.Tensor{rowsView(a.xs[0], lo, hi)}
		} else {
			xs = bx.fill(ix)
		}
		for i, ph := range m.inPh {
			feeds[ph] = xs[i]
		}
		if err := m.sess.RunInto(res, feeds, m.inferOut); err != nil {
			return nil, fmt.Errorf("keras: Predict: batch %d: %w", s+1, err)
		}
		for i, r := range res {
			row := r.Size() / max(1, r.Dim(0))
			copyInto(outs[i], r, lo*row)
		}
		bar.Update(s+1, nil, nil, s+1 == steps)
	}
	return outs, nil
}

// rowsView returns rows [lo, hi) of a float32 tensor sharing its memory.
func rowsView(t *tensor.Tensor, lo, hi int) *tensor.Tensor {
	row := t.Size() / max(1, t.Dim(0))
	d := t.Float32s()[lo*row : hi*row]
	return tensor.FromSlice(d, append([]int{hi - lo}, t.Shape()[1:]...)...)
}

// copyInto copies src's values into dst starting at element off.
func copyInto(dst, src *tensor.Tensor, off int) {
	switch s := src.Data().(type) {
	case []float32:
		copy(dst.Data().([]float32)[off:], s)
	case []float64:
		copy(dst.Data().([]float64)[off:], s)
	case []int64:
		copy(dst.Data().([]int64)[off:], s)
	case []int32:
		copy(dst.Data().([]int32)[off:], s)
	default:
		for i := 0; i < src.Size(); i++ {
			dst.SetFloat(off+i, src.Float(i))
		}
	}
}

func (m *Model) predictDataset(ds *data.Dataset) ([]*tensor.Tensor, error) {
	if ds.Cardinality() == data.Infinite {
		return nil, errors.New("keras: Predict: the dataset is infinite (Repeat(-1)): Take a finite part")
	}
	var parts [][]*tensor.Tensor
	feeds := tf.Feeds{}
	for elem, err := range ds.All() {
		if err != nil {
			return nil, fmt.Errorf("keras: Predict: reading the dataset: %w", err)
		}
		xs := elem[:1]
		if err := m.checkInputs(xs); err != nil {
			return nil, err
		}
		feeds[m.inPh[0]] = xs[0]
		res, err := m.sess.Run(feeds, m.inferOut)
		if err != nil {
			return nil, fmt.Errorf("keras: Predict: %w", err)
		}
		var cl []*tensor.Tensor
		for _, r := range res {
			cl = append(cl, r.Clone())
		}
		parts = append(parts, cl)
	}
	if len(parts) == 0 {
		return nil, errors.New("keras: Predict: the dataset is empty")
	}
	outs := make([]*tensor.Tensor, len(parts[0]))
	for i := range outs {
		n := 0
		for _, p := range parts {
			n += p[i].Dim(0)
		}
		outs[i] = tensor.New(parts[0][i].DType(), append([]int{n}, parts[0][i].Shape()[1:]...)...)
		off := 0
		for _, p := range parts {
			copyInto(outs[i], p[i], off)
			off += p[i].Size()
		}
	}
	return outs, nil
}

// output is where callbacks print during Fit: the Output writer Fit was
// given (standard output by default).
func (m *Model) output() io.Writer {
	if m == nil || m.fitOut == nil {
		return os.Stdout
	}
	return m.fitOut
}
