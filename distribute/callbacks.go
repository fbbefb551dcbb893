package distribute

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// ChiefOnly wraps callbacks so that they run on rank 0 alone: for those
// that write files or print (keras.ModelCheckpoint, keras.TensorBoard,
// keras.CSVLogger), which would otherwise write the same file from every
// rank. SetModel is passed on everywhere; every other hook only on rank 0.
// A wrapped keras.StatefulCallback stays one (its state is saved and
// restored on every rank). Callbacks whose decisions change training
// (EarlyStopping, learning-rate schedules) run unwrapped, on every rank, so
// that the ranks stay equal; so does keras.BackupAndRestore, with a
// directory per rank (RankDir), so that every rank restores its own state.
func ChiefOnly(r keras.Replicas, cbs ...keras.Callback) []keras.Callback {
	out := make([]keras.Callback, len(cbs))
	for i, cb := range cbs {
		c := &chiefOnly{cb: cb, chief: r == nil || r.Rank() == 0}
		if sc, ok := cb.(keras.StatefulCallback); ok {
			out[i] = &chiefOnlyStateful{chiefOnly: c, sc: sc}
		} else {
			out[i] = c
		}
	}
	return out
}

// RankDir returns a directory of its own for r's rank under dir:
// dir/rank-K. Give each rank's keras.BackupAndRestore one, so that every
// rank saves and restores its own training state (its position in its
// shard of the data, its random generators).
func RankDir(dir string, r keras.Replicas) string {
	return filepath.Join(dir, fmt.Sprintf("rank-%d", r.Rank()))
}

// chiefOnlyStateful is ChiefOnly's wrapper of a StatefulCallback: its
// state is saved and restored on every rank.
type chiefOnlyStateful struct {
	*chiefOnly
	sc keras.StatefulCallback
}

func (c *chiefOnlyStateful) SaveState() (keras.CallbackState, error) { return c.sc.SaveState() }

func (c *chiefOnlyStateful) RestoreState(v json.RawMessage, ts map[string]*tensor.Tensor) error {
	return c.sc.RestoreState(v, ts)
}

// chiefOnly is one callback of ChiefOnly.
type chiefOnly struct {
	cb    keras.Callback
	chief bool
}

// Unwrap returns the wrapped callback.
func (c *chiefOnly) Unwrap() keras.Callback { return c.cb }

func (c *chiefOnly) SetModel(m *keras.Model) { c.cb.SetModel(m) }

func (c *chiefOnly) OnTrainBegin(l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBegin(l)
}

func (c *chiefOnly) OnTrainEnd(l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainEnd(l)
}

func (c *chiefOnly) OnEpochBegin(e int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnEpochBegin(e, l)
}

func (c *chiefOnly) OnEpochEnd(e int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnEpochEnd(e, l)
}

func (c *chiefOnly) OnTrainBatchBegin(b int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBatchBegin(b, l)
}

func (c *chiefOnly) OnTrainBatchEnd(b int, l keras.Logs) error {
	if !c.chief {
		return nil
	}
	return c.cb.OnTrainBatchEnd(b, l)
}
