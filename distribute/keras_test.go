package distribute_test

import (
	"bytes"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/tensorgo/tensorgo/data"
	"github.com/tensorgo/tensorgo/distribute"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/tensor"
	"github.com/tensorgo/tensorgo/tf"
)

// blobs is a 3-class problem in 4 features: class c's points lie around
// (c, -c, c/2, 1) with a deterministic wobble.
func blobs(n int) (*tensor.Tensor, *tensor.Tensor) {
	x := tensor.New(tensor.Float32, n, 4)
	y := tensor.New(tensor.Int64, n)
	for i := range n {
		c := i % 3
		y.SetFloat(i, float64(c))
		for j, base := range []float64{float64(c), -float64(c), float64(c) / 2, 1} {
			x.SetFloat(4*i+j, base+0.4*math.Sin(float64(7*i+3*j)))
		}
	}
	return x, y
}

func smallModel(t *testing.T, r keras.Replicas, lr float64) *keras.Model {
	t.Helper()
	m := keras.NewSequential(
		layers.Dense(8, layers.InputShape(4), layers.Activation("tanh")),
		layers.Dense(3, layers.Activation("softmax")),
	)
	if err := m.Build(); err != nil {
		t.Fatal(err)
	}
	opts := []keras.CompileOption{keras.Metrics("accuracy")}
	if r != nil {
		opts = append(opts, keras.DataParallel(r))
	}
	if err := m.Compile(optimizers.NewSGD(lr, optimizers.Momentum(0.5)), "sparse_categorical_crossentropy", opts...); err != nil {
		t.Fatal(err)
	}
	return m
}

// perturbed returns ws with every value changed, so that a rank that
// starts from them trains to something else unless rank 0's weights are
// broadcast.
func perturbed(ws []*tensor.Tensor) []*tensor.Tensor {
	out := make([]*tensor.Tensor, len(ws))
	for i, w := range ws {
		out[i] = w.Clone()
		for j := range out[i].Size() {
			out[i].SetFloat(j, out[i].Float(j)+0.3+0.01*float64(j))
		}
	}
	return out
}

// Fit on n ranks with per-rank batch B, arrays sharded by Fit, equals one
// process's Fit with batch n*B: the same weights (up to float32 rounding of
// the averaged means) and the same logged loss and accuracy, on every rank.
// The other ranks start from other weights: rank 0's are broadcast.
func TestFitMatchesGlobalBatch(t *testing.T) {
	const per, epochs = 5, 2
	for _, n := range []int{2, 3} {
		x, y := blobs(n * per * 7)
		ref := smallModel(t, nil, 0.1)
		init := ref.GetWeights()
		refHist, err := ref.Fit(x, y, keras.BatchSize(n*per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(0))
		if err != nil {
			t.Fatal(err)
		}
		want := ref.GetWeights()

		comms := distribute.NewLocalGroup(n)
		models := make([]*keras.Model, n)
		outs := make([]*bytes.Buffer, n)
		for r := range n {
			s, err := distribute.New(comms[r])
			if err != nil {
				t.Fatal(err)
			}
			models[r] = smallModel(t, s, 0.1)
			w := init
			if r > 0 {
				w = perturbed(init)
			}
			if err := models[r].SetWeights(w); err != nil {
				t.Fatal(err)
			}
			outs[r] = &bytes.Buffer{}
		}
		hists := make([]*keras.History, n)
		var wg sync.WaitGroup
		for r := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h, err := models[r].Fit(x, y, keras.BatchSize(per), keras.Epochs(epochs), keras.Shuffle(false), keras.Verbose(2), keras.Output(outs[r]))
				if err != nil {
					t.Errorf("rank %d: %v", r, err)
				}
				hists[r] = h
			}()
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for r := range n {
			for i, w := range models[r].GetWeights() {
				for j := range w.Size() {
					if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 2e-5 {
						t.Fatalf("%d ranks: rank %d weight %d[%d] = %v, one process with the global batch: %v", n, r, i, j, w.Float(j), want[i].Float(j))
					}
				}
			}
			for _, k := range []string{"loss", "accuracy"} {
				for e := range epochs {
					g, w := hists[r].History[k][e], refHist.History[k][e]
					if math.Abs(g-w) > 2e-5 {
						t.Errorf("%d ranks: rank %d epoch %d %s = %v, one process with the global batch: %v", n, r, e, k, g, w)
					}
				}
			}
		}
		if outs[0].Len() == 0 {
			t.Errorf("%d ranks: rank 0 printed nothing", n)
		}
		for r := 1; r < n; r++ {
			if outs[r].Len() != 0 {
				t.Errorf("%d ranks: rank %d printed %q; only rank 0 prints", n, r, outs[r].String())
			}
		}
	}
}

// Fit drops the rows that do not share evenly: 11 rows on 3 ranks are 3
// each (rows k, k+3, k+6), so every rank runs the same 3 steps of one row.
// A ChiefOnly callback runs on rank 0 alone; a plain one everywhere.
func TestFitShardsArraysEvenly(t *testing.T) {
	const n = 3
	x, y := blobs(11)
	comms := distribute.NewLocalGroup(n)
	var mu sync.Mutex
	batches := map[int]int{}
	chiefCalls := map[int]int{}
	var wg sync.WaitGroup
	for r := range n {
		s, err := distribute.New(comms[r])
		if err != nil {
			t.Fatal(err)
		}
		m := smallModel(t, s, 0.1)
		count := &keras.LambdaCallback{OnBatchEndFn: func(int, keras.Logs) error {
			mu.Lock()
			batches[r]++
			mu.Unlock()
			return nil
		}}
		chief := &keras.LambdaCallback{OnEpochEndFn: func(int, keras.Logs) error {
			mu.Lock()
			chiefCalls[r]++
			mu.Unlock()
			return nil
		}}
		cbs := append([]keras.Callback{count}, distribute.ChiefOnly(s, chief)...)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := m.Fit(x, y, keras.BatchSize(1), keras.Verbose(0), keras.Callbacks(cbs...)); err != nil {
				t.Errorf("rank %d: %v", r, err)
			}
		}()
	}
	wg.Wait()
	for r := range n {
		if batches[r] != 3 {
			t.Errorf("rank %d ran %d batches, want 3 (11 rows on 3 ranks)", r, batches[r])
		}
		want := 0
		if r == 0 {
			want = 1
		}
		if chiefCalls[r] != want {
			t.Errorf("rank %d: a ChiefOnly callback ran %d times, want %d", r, chiefCalls[r], want)
		}
	}
}

// A Dataset sharded by the caller trains as arrays sharded by Fit.
func TestFitDatasetShard(t *testing.T) {
	const n, per = 2, 4
	x, y := blobs(n * per * 5)
	ref := smallModel(t, nil, 0.1)
	init := ref.GetWeights()
	if _, err := ref.Fit(x, y, keras.BatchSize(n*per), keras.Shuffle(false), keras.Verbose(0)); err != nil {
		t.Fatal(err)
	}
	want := ref.GetWeights()
	comms := distribute.NewLocalGroup(n)
	got := make([][]*tensor.Tensor, n)
	var wg sync.WaitGroup
	for r := range n {
		s, _ := distribute.New(comms[r])
		m := smallModel(t, s, 0.1)
		if err := m.SetWeights(init); err != nil {
			t.Fatal(err)
		}
		ds := data.FromTensorSlices(x, y).Shard(s.Size(), s.Rank()).Batch(per, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := m.Fit(ds, nil, keras.Verbose(0)); err != nil {
				t.Errorf("rank %d: %v", r, err)
			}
			got[r] = m.GetWeights()
		}()
	}
	wg.Wait()
	for r := range n {
		for i, w := range got[r] {
			for j := range w.Size() {
				if d := math.Abs(w.Float(j) - want[i].Float(j)); d > 2e-5 {
					t.Fatalf("rank %d weight %d[%d] = %v, one process with the global batch: %v", r, i, j, w.Float(j), want[i].Float(j))
				}
			}
		}
	}
}

// AverageLogs weights each rank's values: ranks with (1, 2) over 1 sample
// and (3, 4) over 3 average to (1*1+3*3)/4 = 2.5 and (2*1+4*3)/4 = 3.5.
func TestAverageLogs(t *testing.T) {
	got := make([][]float64, 2)
	onRanks(t, 2, nil, func(s *distribute.Strategy) {
		vals := []float64{1, 2}
		w := 1.0
		if s.Rank() == 1 {
			vals, w = []float64{3, 4}, 3
		}
		if err := s.AverageLogs(vals, w); err != nil {
			t.Error(err)
		}
		got[s.Rank()] = vals
	})
	for r, v := range got {
		if v[0] != 2.5 || v[1] != 3.5 {
			t.Errorf("rank %d: %v, want [2.5 3.5]", r, v)
		}
	}
}

// Rank 0's value of BroadcastInt reaches every rank, negative ones too.
func TestBroadcastInt(t *testing.T) {
	got := make([]int64, 3)
	onRanks(t, 3, nil, func(s *distribute.Strategy) {
		v, err := s.BroadcastInt(int64(-7 + 100*s.Rank()))
		if err != nil {
			t.Error(err)
		}
		got[s.Rank()] = v
	})
	for r, v := range got {
		if v != -7 {
			t.Errorf("rank %d got %d, want rank 0's -7", r, v)
		}
	}
}

// Datasets that give the ranks different numbers of batches are an error on
// the ranks, at the start of Fit, not a job waiting forever.
func TestFitUnevenDatasetsError(t *testing.T) {
	x, y := blobs(20)
	comms := distribute.NewLocalGroup(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for r := range 2 {
		s, _ := distribute.New(comms[r])
		m := smallModel(t, s, 0.1)
		// Rank 0: 12 rows, 3 batches; rank 1: 8 rows, 2 batches.
		ds := data.FromTensorSlices(x, y).Skip(8*r).Take(12-4*r).Batch(4, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[r] = m.Fit(ds, nil, keras.Verbose(0))
		}()
	}
	wg.Wait()
	for r, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "same steps") {
			t.Errorf("rank %d: Fit returned %v, want an error about the replicas' steps", r, err)
		}
	}
}

// AverageVariables: rank r's float32 [r, 2r] and float64 [10r] average to
// [1, 2] and [10] over 3 ranks; a float32 equal on every rank (0.1) keeps
// its bits; an int64 stays each rank's own.
func TestAverageVariables(t *testing.T) {
	type result struct {
		a []float32
		b []float64
		c float32
		d int64
	}
	got := make([]result, 3)
	onRanks(t, 3, nil, func(s *distribute.Strategy) {
		r := s.Rank()
		a := tf.NewVariable(nil, tensor.FromSlice([]float32{float32(r), float32(2 * r)}))
		b := tf.NewVariable(nil, tensor.FromSlice([]float64{float64(10 * r)}))
		c := tf.NewVariable(nil, tensor.FromSlice([]float32{0.1}))
		d := tf.NewVariable(nil, tensor.FromSlice([]int64{int64(r)}))
		if err := s.AverageVariables([]*tf.Variable{a, d, b, c}); err != nil {
			t.Error(err)
		}
		got[r] = result{a.Value().Float32s(), b.Value().Float64s(), c.Value().Float32s()[0], d.Value().Int64s()[0]}
	})
	for r, g := range got {
		if g.a[0] != 1 || g.a[1] != 2 || g.b[0] != 10 || g.c != 0.1 || g.d != int64(r) {
			t.Errorf("rank %d: %v %v %v %v; want [1 2] [10] 0.1 %d", r, g.a, g.b, g.c, g.d, r)
		}
	}
}

// BatchNormalization's moving statistics, which each rank updates from its
// own batches, are averaged at the end of every epoch: after Fit every
// rank has the same ones, and so the same predictions.
func TestFitBatchNormSameOnEveryRank(t *testing.T) {
	const n = 2
	x, y := blobs(40)
	comms := distribute.NewLocalGroup(n)
	models := make([]*keras.Model, n)
	for r := range n {
		s, _ := distribute.New(comms[r])
		m := keras.NewSequential(
			layers.Dense(8, layers.InputShape(4)),
			layers.BatchNormalization(),
			layers.Dense(3, layers.Activation("softmax")),
		)
		if err := m.Compile("sgd", "sparse_categorical_crossentropy", keras.DataParallel(s)); err != nil {
			t.Fatal(err)
		}
		models[r] = m
	}
	var wg sync.WaitGroup
	for r := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := models[r].Fit(x, y, keras.BatchSize(4), keras.Epochs(2), keras.Verbose(0)); err != nil {
				t.Errorf("rank %d: %v", r, err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	w0, w1 := models[0].GetWeights(), models[1].GetWeights()
	moving := 0
	for i, v := range models[0].Weights() {
		if !v.Trainable() {
			moving++
		}
		for j := range w0[i].Size() {
			if w0[i].Float(j) != w1[i].Float(j) {
				t.Fatalf("weight %s[%d]: %v on rank 0, %v on rank 1", v.Name(), j, w0[i].Float(j), w1[i].Float(j))
			}
		}
	}
	if moving != 2 {
		t.Fatalf("%d non-trainable weights, want BatchNormalization's moving mean and variance", moving)
	}
}
