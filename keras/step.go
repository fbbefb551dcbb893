package keras

import (
	"fmt"
	"strings"

	"github.com/tensorgo/tensorgo/keras/losses"
	"github.com/tensorgo/tensorgo/keras/metrics"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// stepKey identifies a compiled step: its kind and the dtypes and shapes
// (without the batch dimension) of the labels and sample weights fed.
type stepKey struct {
	train   bool
	labels  string
	weights string
}

// step is one compiled computation: the graph tensors fed and fetched.
type step struct {
	yPh, swPh []*tf.Tensor
	loss      *tf.Tensor
	outLosses []*tf.Tensor // each output's loss, logged for models with several outputs
	fetches   []*tf.Tensor
	target    *tf.Operation
	outputs   []*tf.Tensor
	names     []string
	// newMetrics makes the metric objects of one call (Fit, Evaluate): fresh
	// ones for metrics given by name, so that concurrent calls do not share
	// state; metrics.Metric objects given to Compile are the user's and the
	// same in every call (shared is then true).
	newMetrics func() [][]metrics.Metric
	shared     bool
}

func shapeKey(ts []*tensor.Tensor) string {
	var b strings.Builder
	for _, t := range ts {
		if t == nil {
			b.WriteString("nil;")
			continue
		}
		fmt.Fprintf(&b, "%v%v;", t.DType(), t.Shape()[1:])
	}
	return b.String()
}

// getStep returns the training or evaluation step for labels like ys and
// sample weights like sws (nil: unweighted; else one per output), building
// it once. It is safe to call from several goroutines.
func (m *Model) getStep(train bool, ys, sws []*tensor.Tensor) (*step, error) {
	key := stepKey{train, shapeKey(ys), shapeKey(sws)}
	m.mu.RLock()
	s := m.steps[key]
	m.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.steps[key]; s != nil {
		return s, nil
	}
	s, err := m.buildStep(train, ys, sws)
	if err != nil {
		return nil, err
	}
	if m.steps == nil {
		m.steps = map[stepKey]*step{}
	}
	m.steps[key] = s
	return s, nil
}

// buildStep adds a step's graph: labels and weights placeholders, the
// losses, and for training the gradients and the optimizer's update.
func (m *Model) buildStep(train bool, ys, sws []*tensor.Tensor) (st *step, err error) {
	c := m.comp
	outs := m.inferOut
	if train {
		outs = m.trainOut
	}
	if len(ys) != len(outs) {
		return nil, fmt.Errorf("keras: model %s has %d outputs, got %d label arrays", m.name, len(outs), len(ys))
	}
	if sws != nil && len(sws) != len(outs) {
		return nil, fmt.Errorf("keras: model %s has %d outputs, got %d sample weight arrays", m.name, len(outs), len(sws))
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
		if sws != nil {
			w := sws[i]
			sw = tf.Placeholder(g, w.DType(), append(tensor.Shape{-1}, w.Shape()[1:]...), tf.Name(fmt.Sprintf("sample_weight%d", i)))
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
		// Every trainable weight gets its slots now, connected to the loss
		// or not, as Keras's optimizer.build does.
		if err := c.opt.Build(vars); err != nil {
			return nil, fmt.Errorf("keras: %w", err)
		}
		// Data-parallel training averages the gradients over the replicas
		// here, between computing and applying them (replicas.go).
		gs = m.reduceGradients(gs, vs)
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
	type spec struct {
		spec  any
		i     int
		yRank int
	}
	var specs [][]spec
	for i, out := range outs {
		var ss []spec
		if i < len(c.metricSpecs) || len(c.metricSpecs) == 1 {
			for _, sp := range c.metricSpecs[min(i, len(c.metricSpecs)-1)] {
				mt, err := resolveMetric(sp, ls[i], ys[i].Rank(), out)
				if err != nil {
					return nil, err
				}
				if _, ok := sp.(metrics.Metric); ok {
					st.shared = true
				}
				ss = append(ss, spec{sp, i, ys[i].Rank()})
				name := mt.Name()
				if len(outs) > 1 {
					name = m.outputName(i) + "_" + name
				}
				st.names = append(st.names, name)
			}
		}
		specs = append(specs, ss)
	}
	st.newMetrics = func() [][]metrics.Metric {
		all := make([][]metrics.Metric, len(specs))
		for i, ss := range specs {
			for _, sp := range ss {
				mt, _ := resolveMetric(sp.spec, ls[sp.i], sp.yRank, outs[sp.i]) // resolved once above
				all[i] = append(all[i], mt)
			}
		}
		return all
	}
	return st, nil
}

// resolveMetric makes a fresh metric object for a metric given by name, or
// returns the metrics.Metric given.
func resolveMetric(spec any, l losses.Loss, yRank int, out *tf.Tensor) (metrics.Metric, error) {
	switch x := spec.(type) {
	case metrics.Metric:
		return x, nil
	case string:
		if s := strings.ToLower(x); s == "accuracy" || s == "acc" {
			return metrics.ResolveAccuracy(x, l.Name(), yRank, out.Shape()), nil
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
