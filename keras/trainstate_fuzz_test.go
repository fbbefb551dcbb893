package keras

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/checkpoint"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/tensor"
)

// fuzzFit is a model in the middle of a Fit over 20 shuffled rows, with
// the callbacks whose states a backup holds, and a real backup of it.
func fuzzFit(t testing.TB) (*Model, *checkpoint.State) {
	tensor.SetSeed(5)
	m := NewSequential(layers.Dense(3, layers.Activation("softmax"), layers.InputShape(4)))
	if err := m.Compile("adam", "sparse_categorical_crossentropy"); err != nil {
		t.Fatal(err)
	}
	x := tensor.RandomUniform(tensor.Float32, tensor.Shape{20, 4}, 0, 1)
	y := tensor.New(tensor.Int64, 20)
	dir := t.TempDir()
	cbs := []Callback{&BackupAndRestore{BackupDir: dir, SaveFreq: 2, KeepCheckpoint: true}, &EarlyStopping{RestoreBestWeights: true, Monitor: "loss"}, NewReduceLROnPlateau(), NewModelCheckpoint(filepath.Join(dir, "w.tgckpt"))}
	if _, err := m.Fit(x, y, Epochs(2), BatchSize(6), Verbose(0), Callbacks(cbs...)); err != nil {
		t.Fatal(err)
	}
	latest, _ := checkpoint.LatestCheckpoint(dir)
	s, err := checkpoint.Read(latest)
	if err != nil {
		t.Fatal(err)
	}
	a, err := makeArrays(x, y)
	if err != nil {
		t.Fatal(err)
	}
	src := m.arraySource(a, 6, true)
	hist := NewHistory()
	all := callbackList(append(cbs[1:], hist))
	for _, cb := range all {
		cb.SetModel(m)
		cb.OnTrainBegin(Logs{})
	}
	m.fit = &fitProgress{src: src, ep: newEpochIterator(src, 0), cbs: all}
	return m, s
}

// FuzzRestoreTrainingState feeds restoreTrainingState training states
// whose JSON values are anything (the file's checksums only prove that the
// file is what was written, not that a trusted program wrote it): it must
// return an error or restore, never panic.
func FuzzRestoreTrainingState(f *testing.F) {
	m, s := fuzzFit(f)
	get := func(k string) string { return string(s.Values[k]) }
	f.Add(get("fit"), get("optimizer"), get("data"), get("callbacks"), get("metrics"))
	f.Add(`{"epoch":-1}`, `{"name":"Adam","learning_rate":"NaN"}`, `{"kind":"arrays","rows":20,"pos":99}`, `{"EarlyStopping":{"best_weights":1000000000}}`, `[[1,2]]`)
	f.Add(`{"epoch":1,"batch":999999}`, `{"name":"SGD"}`, `{"kind":"dataset"}`, `{"History":{"epoch":[1],"history":{"loss":["x"]}}}`, `null`)
	f.Fuzz(func(t *testing.T, fit, opt, data, cbs, metrics string) {
		c := &checkpoint.State{Step: s.Step, Tensors: map[string]*tensor.Tensor{}, Values: map[string]json.RawMessage{}}
		for k, v := range s.Tensors {
			c.Tensors[k] = v.Clone()
		}
		for k, v := range s.Values {
			c.Values[k] = v
		}
		for k, v := range map[string]string{"fit": fit, "optimizer": opt, "data": data, "callbacks": cbs, "metrics": metrics} {
			if json.Valid([]byte(v)) {
				c.Values[k] = json.RawMessage(v)
			} else {
				delete(c.Values, k)
			}
		}
		m.fit.resume = nil
		if err := m.restoreTrainingState(c, "fuzz"); err != nil {
			return
		}
		if rp := m.fit.resume; rp == nil || rp.epoch < 0 || rp.batch < 0 {
			t.Fatalf("restored a bad position %+v", rp)
		}
	})
}
