package keras

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// fitProgress is where a running Fit is (Model.fit while it runs), for the
// callbacks that save and restore the state of training.
type fitProgress struct {
	src    source
	ep     *epochIterator
	cbs    callbackList
	epoch  int   // the epoch running, or the next one between epochs
	batch  int   // batches done in the epoch
	global int64 // batches done since the run began, counted across resumes
	r      *runner
	// resume is set by a restore in OnTrainBegin: where the loop goes on.
	resume *resumePoint
}

// resumePoint is where a restored run continues.
type resumePoint struct {
	epoch, batch int
	stop         bool // the run had stopped (StopTraining): only its end is left
	lr           float64
	metrics      [][]byte
}

// applyLearningRate puts back the saved rate unless the optimizer already
// has it (a schedule computes it from the restored iterations; setting it
// would replace the schedule).
func (rp *resumePoint) applyLearningRate(m *Model) {
	if lr, ok := m.Optimizer().(learningRater); ok && lr.LearningRate() != rp.lr {
		lr.SetLearningRate(rp.lr)
	}
}

// restoreMetrics puts back the running means and metrics of the
// interrupted epoch into r, for those that implement
// encoding.BinaryUnmarshaler; others start the resumed epoch afresh (its
// logged values then cover only the batches after the resume).
func (rp *resumePoint) restoreMetrics(r *runner) {
	ms := r.metricObjects()
	if len(ms) != len(rp.metrics) {
		return
	}
	for i, mt := range ms {
		if u, ok := mt.(encoding.BinaryUnmarshaler); ok && rp.metrics[i] != nil {
			u.UnmarshalBinary(rp.metrics[i]) // a state this build wrote
		}
	}
}

// metricObjects lists the runner's loss mean, per-output loss means and
// metrics in a fixed order.
func (r *runner) metricObjects() []any {
	out := []any{r.loss}
	for _, l := range r.outL {
		out = append(out, l)
	}
	for _, ms := range r.metrics {
		for _, mt := range ms {
			out = append(out, mt)
		}
	}
	return out
}

// RandomGenerator is a random generator whose state can be saved and put
// back, as *rand.PCG's can.
type RandomGenerator interface {
	encoding.BinaryMarshaler
	encoding.BinaryUnmarshaler
}

// RandomGenerators, when not nil, returns the generators a graph's ops
// draw from when they run (the masks of Dropout ops, and any other op
// drawing random numbers at run time), each keyed by a name that is the
// same in every process that builds the same model code in the same order
// (such as the op's name). A training checkpoint (BackupAndRestore) saves
// each generator's MarshalBinary and restores it with UnmarshalBinary, so
// that a resumed run draws what the uninterrupted run would have drawn.
// While it is nil, a model whose graph has Dropout ops resumes with fresh
// masks (restoring says so once): its resumed run is a valid run, but not
// the same bits as an uninterrupted one.
var RandomGenerators func(g *tf.Graph) map[string]RandomGenerator

// randomOpTypes are the op types that draw at run time.
var randomOpTypes = map[string]bool{"Dropout": true}

func hasRandomOps(g *tf.Graph) bool {
	if g == nil {
		return false
	}
	for _, op := range g.Operations() {
		if randomOpTypes[op.Type()] {
			return true
		}
	}
	return false
}

// CallbackState is the part of a training checkpoint one callback keeps:
// a JSON value and named tensors.
type CallbackState struct {
	// Value is any JSON-encodable value (use JSONFloat for floats that may
	// be infinite or NaN).
	Value any
	// Tensors are saved as they are (their keys must be plain names).
	Tensors map[string]*tensor.Tensor
}

// A StatefulCallback is a callback whose state a training checkpoint
// (BackupAndRestore) saves and restores, so that a resumed run behaves as
// if it had never stopped: EarlyStopping's best value and wait, for
// example. RestoreState runs after every callback's OnTrainBegin.
type StatefulCallback interface {
	Callback
	// SaveState returns the callback's state now.
	SaveState() (CallbackState, error)
	// RestoreState puts back a saved state: value holds the JSON of
	// CallbackState.Value, tensors the saved tensors.
	RestoreState(value json.RawMessage, tensors map[string]*tensor.Tensor) error
}

// JSONFloat is a float64 that encodes to JSON exactly, infinities and NaN
// included (as the strings "Infinity", "-Infinity" and "NaN").
type JSONFloat float64

// MarshalJSON implements json.Marshaler.
func (f JSONFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Infinity"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *JSONFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*f = JSONFloat(math.NaN())
		return nil
	case `"Infinity"`:
		*f = JSONFloat(math.Inf(1))
		return nil
	case `"-Infinity"`:
		*f = JSONFloat(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("keras: %s is not a number", b)
	}
	*f = JSONFloat(v)
	return nil
}

// The keys a training state uses besides the model's weights.
const (
	optPrefix  = "optimizer/"
	dataPrefix = "data/"
	cbPrefix   = "callbacks/"
	permKey    = dataPrefix + "permutation"
)

func isStateKey(k string) bool {
	return strings.HasPrefix(k, optPrefix) || strings.HasPrefix(k, dataPrefix) || strings.HasPrefix(k, cbPrefix)
}

// fitValue is the loop's position in a training state.
type fitValue struct {
	Epoch  int   `json:"epoch"`
	Batch  int   `json:"batch"`
	Global int64 `json:"global_batch"`
	Stop   bool  `json:"stop_training"`
	// Started says that a pass over the data runs across epochs
	// (StepsPerEpoch) and has begun.
	Started bool `json:"pass_started"`
}

type optValue struct {
	Name         string    `json:"name"`
	LearningRate JSONFloat `json:"learning_rate"`
}

// dataValue is a batch source's position.
type dataValue struct {
	Kind    string `json:"kind"` // "arrays" or "dataset"
	Rows    int    `json:"rows,omitempty"`
	Pos     int    `json:"pos,omitempty"`
	Shuffle bool   `json:"shuffle,omitempty"`
	RNG     []byte `json:"rng,omitempty"`
	Batches int    `json:"batches,omitempty"`
}

// stateTarget is one tensor of the optimizer's state.
type stateTarget struct {
	k string
	v *tf.Variable
}

func (t stateTarget) key() string         { return t.k }
func (t stateTarget) dtype() tensor.DType { return t.v.DType() }
func (t stateTarget) shape() tensor.Shape { return t.v.Shape() }

// optimizerTargets lists the optimizer's variables with their keys:
// "optimizer/iterations", optimizer-wide ones by name
// ("optimizer/u_product"), and each weight's slots as
// "optimizer/<weight key>/<slot name>".
func (m *Model) optimizerTargets(nvs []NamedVariable) ([]stateTarget, error) {
	opt := m.Optimizer()
	if err := opt.Build(m.TrainableWeights()); err != nil {
		return nil, err
	}
	var out []stateTarget
	inSlots := map[*tf.Variable]bool{}
	for _, nv := range nvs {
		for _, s := range opt.Slots(nv.Variable) {
			out = append(out, stateTarget{optPrefix + nv.Key + "/" + s.Name, s.Variable})
			inSlots[s.Variable] = true
		}
	}
	for i, v := range opt.Variables() {
		switch {
		case i == 0:
			out = append(out, stateTarget{optPrefix + "iterations", v})
		case !inSlots[v]:
			out = append(out, stateTarget{optPrefix + v.OpName(), v})
		}
	}
	return out, nil
}

// callbackKey names a callback in a training state: its type's name, with
// "_1", "_2", ... for later ones of the same type.
func callbackKey(cb Callback, seen map[string]int) string {
	t := reflect.TypeOf(cb)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	k := t.Name()
	if n := seen[k]; n > 0 {
		seen[k] = n + 1
		return k + "_" + strconv.Itoa(n)
	}
	seen[k] = 1
	return k
}

// trainingState returns everything a running Fit needs to continue from
// where it is now: the weights, the optimizer's variables and learning
// rate, the loop's position, the data's position and shuffle state, the
// random generators' states, the interrupted epoch's metrics and the
// callbacks' states. Its tensors share memory with the model's variables:
// write it before training goes on.
func (m *Model) trainingState() (*checkpoint.State, error) {
	fp := m.fit
	if fp == nil {
		return nil, fmt.Errorf("keras: the training state exists only while Fit runs")
	}
	nvs := m.NamedVariables()
	s := &checkpoint.State{Step: fp.global, Tensors: map[string]*tensor.Tensor{}}
	for _, nv := range nvs {
		if isStateKey(nv.Key) {
			return nil, fmt.Errorf("keras: weight key %q starts like the training state's own keys (optimizer/, data/, callbacks/): rename the layer", nv.Key)
		}
		s.Tensors[nv.Key] = nv.Variable.Value()
	}
	ots, err := m.optimizerTargets(nvs)
	if err != nil {
		return nil, err
	}
	for _, t := range ots {
		s.Tensors[t.k] = t.v.Value()
	}
	lr := 0.0
	if l, ok := m.Optimizer().(learningRater); ok {
		lr = l.LearningRate()
	}
	s.SetValue(kindKey, kindTrainingState)
	s.SetValue("optimizer", optValue{Name: m.Optimizer().Name(), LearningRate: JSONFloat(lr)})
	s.SetValue("fit", fitValue{Epoch: fp.epoch, Batch: fp.batch, Global: fp.global, Stop: m.StopTraining, Started: fp.ep.started})
	if rs, ok := fp.src.(resumable); ok {
		if err := rs.saveState(s); err != nil {
			return nil, err
		}
	}
	if RandomGenerators != nil {
		rng := map[string][]byte{}
		for k, g := range RandomGenerators(m.g) {
			b, err := g.MarshalBinary()
			if err != nil {
				return nil, fmt.Errorf("keras: the random generator %s: %w", k, err)
			}
			rng[k] = b
		}
		s.SetValue("random", rng)
	}
	if fp.r != nil && fp.batch > 0 {
		var ms [][]byte
		for _, mt := range fp.r.metricObjects() {
			var b []byte
			if bm, ok := mt.(encoding.BinaryMarshaler); ok {
				if b, err = bm.MarshalBinary(); err != nil {
					return nil, fmt.Errorf("keras: metric %T: %w", mt, err)
				}
			}
			ms = append(ms, b)
		}
		s.SetValue("metrics", ms)
	}
	cbs := map[string]json.RawMessage{}
	seen := map[string]int{}
	for _, cb := range fp.cbs {
		k := callbackKey(cb, seen)
		sc, ok := cb.(StatefulCallback)
		if !ok {
			continue
		}
		st, err := sc.SaveState()
		if err != nil {
			return nil, fmt.Errorf("keras: callback %s: saving its state: %w", k, err)
		}
		b, err := json.Marshal(st.Value)
		if err != nil {
			return nil, fmt.Errorf("keras: callback %s: saving its state: %w", k, err)
		}
		cbs[k] = b
		for name, t := range st.Tensors {
			s.Tensors[cbPrefix+k+"/"+name] = t
		}
	}
	s.SetValue("callbacks", cbs)
	return s, nil
}

// restoreTrainingState checks s against the running Fit (every weight and
// optimizer key, dtype and shape, the data's size) and then restores all of
// it, leaving the resume point in m.fit for the loop. Nothing changes when a
// check fails.
func (m *Model) restoreTrainingState(s *checkpoint.State, path string) error {
	fp := m.fit
	var kind string
	if _, err := s.Value(kindKey, &kind); err != nil || kind != kindTrainingState {
		return fmt.Errorf("keras: %s is not a training state (it has kind %q)", path, kind)
	}
	var fv fitValue
	var ov optValue
	var cbs map[string]json.RawMessage
	var rng map[string][]byte
	var ms [][]byte
	for k, v := range map[string]any{"fit": &fv, "optimizer": &ov, "callbacks": &cbs} {
		if ok, err := s.Value(k, v); !ok || err != nil {
			return fmt.Errorf("keras: %s: the training state's %q value is missing or bad (%v)", path, k, err)
		}
	}
	if _, err := s.Value("metrics", &ms); err != nil {
		return fmt.Errorf("keras: %s: %w", path, err)
	}
	hasRNG, err := s.Value("random", &rng)
	if err != nil {
		return fmt.Errorf("keras: %s: %w", path, err)
	}
	if fv.Epoch < 0 || fv.Batch < 0 || fv.Global < 0 {
		return fmt.Errorf("keras: %s: bad position (epoch %d, batch %d)", path, fv.Epoch, fv.Batch)
	}
	if on := m.Optimizer().Name(); ov.Name != on {
		return fmt.Errorf("keras: %s was saved with optimizer %s, the model has %s", path, ov.Name, on)
	}
	// Check every tensor first.
	nvs := m.NamedVariables()
	if err := checkNamed("weights", nvs, checkpointWeights(s)); err != nil {
		return fmt.Errorf("keras: %s: %w", path, err)
	}
	ots, err := m.optimizerTargets(nvs)
	if err != nil {
		return err
	}
	optSaved := map[string]*tensor.Tensor{}
	for k, t := range s.Tensors {
		if strings.HasPrefix(k, optPrefix) {
			optSaved[k] = t
		}
	}
	if err := checkNamed("optimizer variables", ots, optSaved); err != nil {
		return fmt.Errorf("keras: %s: %w", path, err)
	}
	midEpoch := fv.Batch > 0
	rs, _ := fp.src.(resumable)
	if rs != nil {
		if err := rs.checkState(s, path); err != nil {
			return err
		}
	}
	var gens map[string]RandomGenerator
	if RandomGenerators != nil {
		gens = RandomGenerators(m.g)
		if len(gens) > 0 && !hasRNG {
			return fmt.Errorf("keras: %s has no random generators' states, but the model draws from %d", path, len(gens))
		}
		for k := range gens {
			if _, ok := rng[k]; !ok {
				return fmt.Errorf("keras: %s has no state for the random generator %s", path, k)
			}
		}
	} else if hasRandomOps(m.g) {
		fmt.Fprintf(m.output(), "WARNING: resuming training of %s with fresh dropout masks: this build cannot save the random state of Dropout ops, so the resumed run differs from an uninterrupted one\n", m.name)
	}
	// Apply.
	if err := m.setNamedWeights(checkpointWeights(s)); err != nil {
		return fmt.Errorf("keras: %s: %w", path, err)
	}
	for _, t := range ots {
		if err := t.v.SetValue(optSaved[t.k]); err != nil {
			return fmt.Errorf("keras: %s: %w", path, err)
		}
	}
	rp := &resumePoint{epoch: fv.Epoch, batch: fv.Batch, stop: fv.Stop, lr: float64(ov.LearningRate), metrics: ms}
	rp.applyLearningRate(m)
	for k, g := range gens {
		if err := g.UnmarshalBinary(rng[k]); err != nil {
			return fmt.Errorf("keras: %s: the random generator %s: %w", path, k, err)
		}
	}
	if rs != nil {
		if err := rs.restoreState(s, midEpoch || (fp.ep.persistent && fv.Started)); err != nil {
			return fmt.Errorf("keras: %s: %w", path, err)
		}
	}
	fp.ep.started = fv.Started
	if midEpoch {
		fp.ep.resume, fp.ep.resumeStep = true, fv.Batch
	}
	fp.epoch, fp.batch, fp.global = fv.Epoch, fv.Batch, fv.Global
	seen := map[string]int{}
	for _, cb := range fp.cbs {
		k := callbackKey(cb, seen)
		sc, ok := cb.(StatefulCallback)
		if !ok {
			continue
		}
		v, ok := cbs[k]
		if !ok {
			continue // a callback added since the save starts afresh
		}
		ts := map[string]*tensor.Tensor{}
		p := cbPrefix + k + "/"
		for name, t := range s.Tensors {
			if strings.HasPrefix(name, p) {
				ts[name[len(p):]] = t
			}
		}
		if err := sc.RestoreState(v, ts); err != nil {
			return fmt.Errorf("keras: %s: callback %s: %w", path, k, err)
		}
	}
	fp.resume = rp
	return nil
}

// resumable is a batch source whose position a training state keeps.
type resumable interface {
	saveState(s *checkpoint.State) error
	// checkState reports whether s's position fits this source.
	checkState(s *checkpoint.State, path string) error
	// restoreState puts the position back; position false says that only
	// the shuffle state matters (the next epoch starts a new pass).
	restoreState(s *checkpoint.State, position bool) error
}

func (s *arraySource) saveState(st *checkpoint.State) error {
	v := dataValue{Kind: "arrays", Rows: s.a.n, Pos: s.pos, Shuffle: s.shuffle}
	if s.pcg != nil {
		b, err := s.pcg.MarshalBinary()
		if err != nil {
			return err
		}
		v.RNG = b
	}
	perm := tensor.New(tensor.Int64, len(s.perm))
	for i, p := range s.perm {
		perm.Int64s()[i] = int64(p)
	}
	st.Tensors[permKey] = perm
	return st.SetValue("data", v)
}

func (s *arraySource) checkState(st *checkpoint.State, path string) error {
	var v dataValue
	if ok, err := st.Value("data", &v); !ok || err != nil {
		return fmt.Errorf("keras: %s has no position in the data (%v)", path, err)
	}
	if v.Kind != "arrays" || v.Rows != s.a.n || v.Shuffle != s.shuffle {
		return fmt.Errorf("keras: %s was saved training on %s of %d rows (shuffle %v), not arrays of %d rows (shuffle %v)", path, v.Kind, v.Rows, v.Shuffle, s.a.n, s.shuffle)
	}
	if v.Pos < 0 || v.Pos > s.a.n {
		return fmt.Errorf("keras: %s: position %d is outside the %d rows", path, v.Pos, s.a.n)
	}
	p := st.Tensors[permKey]
	if p == nil || p.DType() != tensor.Int64 || !p.Shape().Equal(tensor.Shape{s.a.n}) {
		return fmt.Errorf("keras: %s: the data's order is missing or not %d rows", path, s.a.n)
	}
	seen := make([]bool, s.a.n)
	for _, i := range p.Int64s() {
		if i < 0 || i >= int64(s.a.n) || seen[i] {
			return fmt.Errorf("keras: %s: the data's order is not a permutation of the %d rows", path, s.a.n)
		}
		seen[i] = true
	}
	if s.pcg != nil {
		if err := new(rand.PCG).UnmarshalBinary(v.RNG); err != nil {
			return fmt.Errorf("keras: %s: the shuffle state: %w", path, err)
		}
	}
	return nil
}

func (s *arraySource) restoreState(st *checkpoint.State, position bool) error {
	var v dataValue
	st.Value("data", &v) // checked by checkState
	for i, p := range st.Tensors[permKey].Int64s() {
		s.perm[i] = int(p)
	}
	if s.pcg != nil {
		if err := s.pcg.UnmarshalBinary(v.RNG); err != nil {
			return err
		}
	}
	s.pos = v.Pos
	return nil
}

// A Dataset's position is the number of batches read in the pass: a
// restore reads the pass again from its start and skips them. That is
// exact for datasets whose passes repeat (no reshuffling between passes).
func (s *datasetSource) saveState(st *checkpoint.State) error {
	return st.SetValue("data", dataValue{Kind: "dataset", Batches: s.n})
}

func (s *datasetSource) checkState(st *checkpoint.State, path string) error {
	var v dataValue
	if ok, err := st.Value("data", &v); !ok || err != nil || v.Kind != "dataset" || v.Batches < 0 {
		return fmt.Errorf("keras: %s was not saved training on a Dataset (%v)", path, err)
	}
	return nil
}

func (s *datasetSource) restoreState(st *checkpoint.State, position bool) error {
	if !position {
		return nil
	}
	var v dataValue
	st.Value("data", &v)
	if err := s.reset(); err != nil {
		return err
	}
	for i := 0; i < v.Batches; i++ {
		if _, err := s.it.Next(); err != nil {
			if err == io.EOF {
				return fmt.Errorf("the dataset ended after %d batches, before the saved position %d", i, v.Batches)
			}
			return fmt.Errorf("skipping to the saved position: %w", err)
		}
		s.n++
	}
	return nil
}
