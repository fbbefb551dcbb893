package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// Checkpoints of a data-parallel run: rank 0 saves the model's weights, the
// optimizer's state and the epoch after every epoch; a restarted job
// restores them on rank 0 (Fit broadcasts them to the other ranks) and
// every rank starts from the next epoch.

// saveEpoch saves a checkpoint at the end of every epoch (run it on rank 0
// alone: distribute.ChiefOnly).
type saveEpoch struct {
	keras.CallbackBase
	mgr *checkpoint.Manager
}

func (c *saveEpoch) OnEpochEnd(epoch int, _ keras.Logs) error {
	m := c.Model
	s := &checkpoint.State{Step: m.Optimizer().Iterations(), Tensors: map[string]*tensor.Tensor{}}
	for _, nv := range m.NamedVariables() {
		s.Tensors[nv.Key] = nv.Variable.Value().Clone()
	}
	for i, v := range m.Optimizer().Variables() {
		s.Tensors[fmt.Sprintf("optimizer/%d", i)] = v.Value().Clone()
	}
	if err := s.SetValue("epoch", epoch); err != nil {
		return err
	}
	_, err := c.mgr.Save(s)
	return err
}

// resume restores the latest checkpoint in dir on rank 0, if there is one,
// and returns on every rank the epoch to start from (0 without a
// checkpoint).
func resume(s *distribute.Strategy, m *keras.Model, dir string) (int, error) {
	next := int64(0)
	var rerr error
	if s.IsChief() {
		next, rerr = restore(m, dir)
	}
	// Every rank learns rank 0's epoch (-1: rank 0 failed to restore).
	if rerr != nil {
		next = -1
	}
	n, err := s.BroadcastInt(next)
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n < 0:
		return 0, errors.New("rank 0 could not restore the latest checkpoint")
	}
	return int(n), nil
}

// restore reads dir's latest checkpoint into m and returns the epoch after
// the one it saved; 0 when dir has no checkpoint yet.
func restore(m *keras.Model, dir string) (int64, error) {
	latest, err := checkpoint.LatestCheckpoint(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && latest == "") {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	st, err := checkpoint.Read(latest)
	if err != nil {
		return 0, err
	}
	for _, nv := range m.NamedVariables() {
		x, ok := st.Tensors[nv.Key]
		if !ok {
			return 0, fmt.Errorf("%s has no %s", latest, nv.Key)
		}
		if err := nv.Variable.SetValue(x); err != nil {
			return 0, err
		}
	}
	for i, v := range m.Optimizer().Variables() {
		x, ok := st.Tensors[fmt.Sprintf("optimizer/%d", i)]
		if !ok {
			return 0, fmt.Errorf("%s has no optimizer/%d", latest, i)
		}
		if err := v.SetValue(x); err != nil {
			return 0, err
		}
	}
	var epoch int64
	if ok, err := st.Value("epoch", &epoch); err != nil || !ok {
		return 0, fmt.Errorf("%s has no epoch (%v)", latest, err)
	}
	return epoch + 1, nil
}
