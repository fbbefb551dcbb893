package keras

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tensorgo/tensorgo/tensor"
)

// The states of the built-in callbacks in a training checkpoint
// (StatefulCallback), so that a resumed run stops, reduces its learning
// rate and records its history as the uninterrupted run would.

type earlyStoppingState struct {
	Wait         int       `json:"wait"`
	Best         JSONFloat `json:"best"`
	BestEpoch    int       `json:"best_epoch"`
	StoppedEpoch int       `json:"stopped_epoch"`
	Warned       bool      `json:"warned"`
	BestWeights  int       `json:"best_weights"` // how many tensors "best_weights/<i>" there are
}

// SaveState implements StatefulCallback: the wait count, the best value
// and epoch, and the best weights when RestoreBestWeights keeps them.
func (e *EarlyStopping) SaveState() (CallbackState, error) {
	st := CallbackState{Value: earlyStoppingState{Wait: e.wait, Best: JSONFloat(e.best), BestEpoch: e.BestEpoch,
		StoppedEpoch: e.StoppedEpoch, Warned: e.warned, BestWeights: len(e.bestWeights)}}
	if len(e.bestWeights) > 0 {
		st.Tensors = map[string]*tensor.Tensor{}
		for i, w := range e.bestWeights {
			st.Tensors["best_weights/"+strconv.Itoa(i)] = w
		}
	}
	return st, nil
}

// RestoreState implements StatefulCallback.
func (e *EarlyStopping) RestoreState(v json.RawMessage, ts map[string]*tensor.Tensor) error {
	var s earlyStoppingState
	if err := json.Unmarshal(v, &s); err != nil {
		return err
	}
	var bw []*tensor.Tensor
	for i := 0; i < s.BestWeights; i++ {
		t := ts["best_weights/"+strconv.Itoa(i)]
		if t == nil {
			return fmt.Errorf("best weight %d of %d is missing", i, s.BestWeights)
		}
		bw = append(bw, t)
	}
	e.wait, e.best, e.BestEpoch, e.StoppedEpoch, e.warned, e.bestWeights = s.Wait, float64(s.Best), s.BestEpoch, s.StoppedEpoch, s.Warned, bw
	return nil
}

type plateauState struct {
	Wait   int       `json:"wait"`
	Cool   int       `json:"cooldown_counter"`
	Best   JSONFloat `json:"best"`
	Warned bool      `json:"warned"`
}

// SaveState implements StatefulCallback: the wait and cooldown counters
// and the best value (the learning rate is the optimizer's, saved with it).
func (r *ReduceLROnPlateau) SaveState() (CallbackState, error) {
	return CallbackState{Value: plateauState{Wait: r.wait, Cool: r.cool, Best: JSONFloat(r.best), Warned: r.warned}}, nil
}

// RestoreState implements StatefulCallback.
func (r *ReduceLROnPlateau) RestoreState(v json.RawMessage, _ map[string]*tensor.Tensor) error {
	var s plateauState
	if err := json.Unmarshal(v, &s); err != nil {
		return err
	}
	r.wait, r.cool, r.best, r.warned = s.Wait, s.Cool, float64(s.Best), s.Warned
	return nil
}

type historyState struct {
	Epoch   []int                  `json:"epoch"`
	History map[string][]JSONFloat `json:"history"`
}

// SaveState implements StatefulCallback: the epochs recorded so far, so
// that the History a resumed Fit returns covers the whole run.
func (h *History) SaveState() (CallbackState, error) {
	s := historyState{Epoch: h.Epoch, History: map[string][]JSONFloat{}}
	for k, vs := range h.History {
		f := make([]JSONFloat, len(vs))
		for i, v := range vs {
			f[i] = JSONFloat(v)
		}
		s.History[k] = f
	}
	return CallbackState{Value: s}, nil
}

// RestoreState implements StatefulCallback.
func (h *History) RestoreState(v json.RawMessage, _ map[string]*tensor.Tensor) error {
	var s historyState
	if err := json.Unmarshal(v, &s); err != nil {
		return err
	}
	h.Epoch = s.Epoch
	h.History = map[string][]float64{}
	for k, fs := range s.History {
		vs := make([]float64, len(fs))
		for i, f := range fs {
			vs[i] = float64(f)
		}
		h.History[k] = vs
	}
	return nil
}
