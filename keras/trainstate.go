package keras

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

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
