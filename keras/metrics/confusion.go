package metrics

import (
	"fmt"
	"math"
	"sort"

	"github.com/tensorgo/tensorgo/tensor"
)

// confusion accumulates weighted true/false positives/negatives at a set of
// thresholds over every element, as Keras's
// update_confusion_matrix_variables: each value is a separate binary
// decision (positive when the prediction is above the threshold, the label
// positive when it is not 0). Multi-label confusion keeps one set of counts
// per column.
//
// Counts are kept as histograms over the buckets between sorted
// thresholds, so an update costs O(elements · log thresholds).
type confusion struct {
	th      []float64 // thresholds as given
	sorted  []float64 // ascending
	order   []int     // order[i]: index in th of sorted[i]
	clip    bool      // clip predictions to [0, 1] (evenly spaced thresholds, as Keras)
	topK    int
	classID int
	multi   bool
	labels  int // columns counted separately (1 unless multi-label)
	labelW  []float64
	logits  bool

	pos, neg       []float64 // [label][bucket], bucket = thresholds below the prediction
	tp, fp, tn, fn []float64 // [threshold][label], filled by matrix
	ws             []int
	top            []bool
}

func newConfusion(th []float64, o options) *confusion {
	c := &confusion{th: th, topK: o.topK, classID: o.classID, multi: o.multiLabel, labels: 1, logits: o.fromLogits}
	if len(o.labelWeights) > 0 {
		c.labelW = o.labelWeights
	}
	c.sorted = append([]float64(nil), th...)
	c.order = make([]int, len(th))
	for i := range c.order {
		c.order[i] = i
	}
	sort.SliceStable(c.order, func(a, b int) bool { return th[c.order[a]] < th[c.order[b]] })
	for i, j := range c.order {
		c.sorted[i] = th[j]
	}
	c.alloc()
	return c
}

func (c *confusion) alloc() {
	n := len(c.th)
	c.pos = make([]float64, (n+1)*c.labels)
	c.neg = make([]float64, (n+1)*c.labels)
	c.tp = make([]float64, n*c.labels)
	c.fp = make([]float64, n*c.labels)
	c.tn = make([]float64, n*c.labels)
	c.fn = make([]float64, n*c.labels)
}

// evenlySpaced reports whether ts are k/(n-1), k = 0..n-1 (within ε), as
// Keras's is_evenly_distributed_thresholds.
func evenlySpaced(ts []float64) bool {
	n := len(ts)
	if n < 3 {
		return false
	}
	for i, t := range ts {
		if math.Abs(t-float64(i)/float64(n-1)) > Epsilon {
			return false
		}
	}
	return true
}

// weightShape is the shape sample weights broadcast from onto predictions
// of shape ps, as Keras's confusion-matrix update takes them (expand a
// trailing axis, then squeeze it against the labels' rank): (batch,)
// weights weigh whole samples, weights shaped like the predictions weigh
// elements. It is left-padded with ones to ps's rank.
func (c *confusion) weightShape(sw *tensor.Tensor, ps []int) ([]int, error) {
	ws := append(c.ws[:0], sw.Shape()...)
	if len(ws) != len(ps) {
		ws = append(ws, 1)
		if len(ws) == len(ps)+1 {
			ws = ws[:len(ws)-1]
		}
	}
	for len(ws) < len(ps) {
		ws = append([]int{1}, ws...)
	}
	ok := len(ws) == len(ps)
	for d := 0; ok && d < len(ws); d++ {
		ok = ws[d] == 1 || ws[d] == ps[d]
	}
	if !ok && len(ps) > 0 && sw.Size() == ps[0] {
		// One weight per sample in any layout ((batch, 1) for (batch,)
		// predictions, say).
		ws, ok = append(ws[:0], ps[0]), true
		for len(ws) < len(ps) {
			ws = append(ws, 1)
		}
	}
	if !ok {
		return nil, fmt.Errorf("sample weights of shape %v do not broadcast to predictions of shape %v", sw.Shape(), ps)
	}
	c.ws = ws
	return ws, nil
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func (c *confusion) update(yTrue, yPred, sw *tensor.Tensor) error {
	if err := checkBatch(yTrue, yPred); err != nil {
		return err
	}
	if yTrue.Size() != yPred.Size() {
		return fmt.Errorf("labels shape %v and predictions shape %v differ", yTrue.Shape(), yPred.Shape())
	}
	ps := yPred.Shape()
	// Rows are along the last axis (top_k picks within a row; a rank-1
	// vector is one row).
	cols := 1
	if len(ps) >= 1 {
		cols = max(ps[len(ps)-1], 1)
	}
	if c.classID >= 0 && (len(ps) < 2 || c.classID >= cols) {
		return fmt.Errorf("class_id %d needs predictions of shape (batch, classes > %d), got %v", c.classID, c.classID, ps)
	}
	if c.multi {
		if len(ps) != 2 {
			return fmt.Errorf("multi-label data must have rank 2 (batch, labels), got shape %v", ps)
		}
		if c.labels != cols {
			if c.labels != 1 || c.anyCounts() {
				return fmt.Errorf("multi-label data has %d labels, earlier batches had %d", cols, c.labels)
			}
			c.labels = cols
			c.alloc()
		}
	}
	if c.labelW != nil && !c.multi && len(c.labelW) != cols {
		return fmt.Errorf("%d label weights for %d labels", len(c.labelW), cols)
	}
	var ws []int
	if sw != nil {
		var err error
		if ws, err = c.weightShape(sw, ps); err != nil {
			return err
		}
	}
	n := yPred.Size()
	if cap(c.top) < cols {
		c.top = make([]bool, cols)
	}
	top := c.top[:cols]
	nb := len(c.th) + 1
	for r := 0; r < n/cols; r++ {
		if c.topK > 0 {
			topKRow(yPred, r*cols, cols, c.topK, top)
		}
		for j := 0; j < cols; j++ {
			if c.classID >= 0 && j != c.classID {
				continue
			}
			e := r*cols + j
			p := yPred.Float(e)
			if c.logits {
				// Rounded to float32, the dtype Keras's metrics compute in,
				// so that logits of 0 give exactly 0.5.
				p = float64(float32(sigmoid(p)))
			}
			if c.topK > 0 && !top[j] {
				p = TopKThreshold
			}
			if c.clip {
				p = clip(p, 0, 1)
			}
			w := 1.0
			if sw != nil {
				w = sw.Float(broadcastIndex(e, ps, ws))
			}
			if c.labelW != nil && !c.multi {
				w *= c.labelW[j]
			}
			b := sort.SearchFloat64s(c.sorted, p) // thresholds strictly below p
			l := 0
			if c.multi {
				l = j
			}
			if yTrue.Float(e) != 0 {
				c.pos[l*nb+b] += w
			} else {
				c.neg[l*nb+b] += w
			}
		}
	}
	return nil
}

func (c *confusion) anyCounts() bool {
	for i := range c.pos {
		if c.pos[i] != 0 || c.neg[i] != 0 {
			return true
		}
	}
	return false
}

// topKRow marks the k largest of the n values from off (ties go to the
// lower index, as top_k).
func topKRow(t *tensor.Tensor, off, n, k int, top []bool) {
	for j := range top {
		top[j] = false
	}
	for s := 0; s < k && s < n; s++ {
		best := -1
		var bv float64
		for j := 0; j < n; j++ {
			if top[j] {
				continue
			}
			if v := t.Float(off + j); best < 0 || v > bv {
				best, bv = j, v
			}
		}
		top[best] = true
	}
}

// matrix fills tp, fp, tn, fn ([threshold][label], thresholds in the
// order given) from the histograms.
func (c *confusion) matrix() {
	n, nb := len(c.th), len(c.th)+1
	for l := 0; l < c.labels; l++ {
		pos, neg := c.pos[l*nb:l*nb+nb], c.neg[l*nb:l*nb+nb]
		var below, belowN, total, totalN float64
		for _, v := range pos {
			total += v
		}
		for _, v := range neg {
			totalN += v
		}
		for s := 0; s < n; s++ {
			// Predictions in buckets 0..s are not above sorted[s].
			below += pos[s]
			belowN += neg[s]
			i := c.order[s]*c.labels + l
			c.tp[i], c.fn[i] = total-below, below
			c.fp[i], c.tn[i] = totalN-belowN, belowN
		}
	}
}

func (c *confusion) reset() {
	clear(c.pos)
	clear(c.neg)
}

func div(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// thresholdsOf is the thresholds option, or def.
func thresholdsOf(o options, def float64) []float64 {
	if o.set["thresholds"] {
		return o.thresholds
	}
	return []float64{def}
}

// Counts is a count of one confusion-matrix cell (true positives, false
// positives, true negatives or false negatives) at thresholds, as Keras's
// TruePositives, FalsePositives, TrueNegatives and FalseNegatives.
type Counts struct {
	name string
	c    *confusion
	cell func(c *confusion) []float64
	out  []float64
}

func newCounts(name string, cell func(c *confusion) []float64, opts []Option) *Counts {
	o := newOptions(name, opts, "thresholds")
	th := thresholdsOf(o, 0.5)
	c := newConfusion(th, o)
	c.clip = evenlySpaced(th)
	return &Counts{name: o.name, c: c, cell: cell, out: make([]float64, len(th))}
}

// NewTruePositives counts (weighted) positives predicted above the
// threshold (default 0.5; WithThresholds for several).
func NewTruePositives(opts ...Option) *Counts {
	return newCounts("true_positives", func(c *confusion) []float64 { return c.tp }, opts)
}

// NewFalsePositives counts (weighted) negatives predicted above the
// threshold (default 0.5; WithThresholds for several).
func NewFalsePositives(opts ...Option) *Counts {
	return newCounts("false_positives", func(c *confusion) []float64 { return c.fp }, opts)
}

// NewTrueNegatives counts (weighted) negatives predicted at or below the
// threshold (default 0.5; WithThresholds for several).
func NewTrueNegatives(opts ...Option) *Counts {
	return newCounts("true_negatives", func(c *confusion) []float64 { return c.tn }, opts)
}

// NewFalseNegatives counts (weighted) positives predicted at or below the
// threshold (default 0.5; WithThresholds for several).
func NewFalseNegatives(opts ...Option) *Counts {
	return newCounts("false_negatives", func(c *confusion) []float64 { return c.fn }, opts)
}

// Name implements Metric.
func (m *Counts) Name() string { return m.name }

// UpdateState implements Metric.
func (m *Counts) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := m.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: %s: %w", m.name, err)
	}
	return nil
}

// Results returns the count at every threshold.
func (m *Counts) Results() []float64 {
	m.c.matrix()
	copy(m.out, m.cell(m.c))
	return m.out
}

// Result implements Metric: the count at the first threshold.
func (m *Counts) Result() float64 { return m.Results()[0] }

// ResetState implements Metric.
func (m *Counts) ResetState() { m.c.reset() }

// Precision is TP / (TP + FP) at thresholds.
type Precision struct {
	name string
	c    *confusion
	out  []float64
}

// NewPrecision returns a precision metric; predictions above threshold
// count as positive (Keras's default 0.5; TopKThreshold with WithTopK, as
// Keras's default for top_k). Options: WithThresholds (several thresholds,
// replacing threshold), WithTopK, WithClassID, WithName.
func NewPrecision(threshold float64, opts ...Option) *Precision {
	o := newOptions("precision", opts, "thresholds", "top_k", "class_id")
	th := thresholdsOf(o, threshold)
	c := newConfusion(th, o)
	c.clip = evenlySpaced(th)
	return &Precision{o.name, c, make([]float64, len(th))}
}

// Name implements Metric.
func (p *Precision) Name() string { return p.name }

// UpdateState implements Metric.
func (p *Precision) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := p.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: %s: %w", p.name, err)
	}
	return nil
}

// Results returns the precision at every threshold.
func (p *Precision) Results() []float64 {
	p.c.matrix()
	for i := range p.out {
		p.out[i] = div(p.c.tp[i], p.c.tp[i]+p.c.fp[i])
	}
	return p.out
}

// Result implements Metric: the precision at the first threshold.
func (p *Precision) Result() float64 { return p.Results()[0] }

// ResetState implements Metric.
func (p *Precision) ResetState() { p.c.reset() }

// Recall is TP / (TP + FN) at thresholds.
type Recall struct {
	name string
	c    *confusion
	out  []float64
}

// NewRecall returns a recall metric; predictions above threshold count as
// positive (Keras's default 0.5; TopKThreshold with WithTopK). Options:
// WithThresholds, WithTopK, WithClassID, WithName.
func NewRecall(threshold float64, opts ...Option) *Recall {
	o := newOptions("recall", opts, "thresholds", "top_k", "class_id")
	th := thresholdsOf(o, threshold)
	c := newConfusion(th, o)
	c.clip = evenlySpaced(th)
	return &Recall{o.name, c, make([]float64, len(th))}
}

// Name implements Metric.
func (r *Recall) Name() string { return r.name }

// UpdateState implements Metric.
func (r *Recall) UpdateState(yTrue, yPred, w *tensor.Tensor) error {
	if err := r.c.update(yTrue, yPred, w); err != nil {
		return fmt.Errorf("metrics: %s: %w", r.name, err)
	}
	return nil
}

// Results returns the recall at every threshold.
func (r *Recall) Results() []float64 {
	r.c.matrix()
	for i := range r.out {
		r.out[i] = div(r.c.tp[i], r.c.tp[i]+r.c.fn[i])
	}
	return r.out
}

// Result implements Metric: the recall at the first threshold.
func (r *Recall) Result() float64 { return r.Results()[0] }

// ResetState implements Metric.
func (r *Recall) ResetState() { r.c.reset() }
