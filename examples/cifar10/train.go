package main

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/examples/internal/prof"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/tensor"
)

// result is what a training run measured; it is the -json line.
type result struct {
	Workload      string    `json:"workload"`
	Model         string    `json:"model"`
	Params        int       `json:"params"`
	Epochs        int       `json:"epochs"`
	Batch         int       `json:"batch"`
	Threads       int       `json:"threads"`
	Seed          int64     `json:"seed"`
	EpochSeconds  []float64 `json:"epoch_seconds"`
	TrainLoss     []float64 `json:"train_loss"`
	TrainAccuracy []float64 `json:"train_accuracy"`
	TestLoss      float64   `json:"test_loss"`
	TestAccuracy  float64   `json:"test_accuracy"`
}

// epochTimer records how long each epoch takes.
type epochTimer struct {
	keras.CallbackBase
	start   time.Time
	seconds []float64
}

func (t *epochTimer) OnEpochBegin(int, keras.Logs) error {
	t.start = time.Now()
	return nil
}

func (t *epochTimer) OnEpochEnd(int, keras.Logs) error {
	t.seconds = append(t.seconds, time.Since(t.start).Seconds())
	return nil
}

// newCompiled sets the threads and the seed, then builds and compiles the
// named model as the course does: Adam, sparse categorical cross-entropy,
// accuracy.
func newCompiled(c *config) (*keras.Model, error) {
	if c.Threads > 0 {
		tensorgo.SetNumThreads(c.Threads)
	}
	tensor.SetSeed(c.Seed)
	model, err := buildModel(c.Model)
	if err != nil {
		return nil, err
	}
	if err := model.Compile("adam", "sparse_categorical_crossentropy", keras.Metrics("accuracy")); err != nil {
		return nil, err
	}
	return model, nil
}

// printSummary writes the model's summary to the logs.
func printSummary(c *config, model *keras.Model) error {
	s, err := model.SummaryString()
	if err != nil {
		return err
	}
	fmt.Fprint(c.logs(), s)
	return nil
}

// emit prints r as the -json line.
func emit(c *config, r any) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.Out, string(line))
	return err
}

// run loads the data, trains the model, evaluates it on the test set and
// reports what happened.
func run(c config) (*result, error) {
	load := c.LoadData
	if load == nil {
		load = loadCIFAR10(c.Data, c.Offline)
	}
	model, err := newCompiled(&c)
	if err != nil {
		return nil, err
	}
	xTrain, yTrain, xTest, yTest, err := load()
	if err != nil {
		return nil, err
	}
	if xTrain, err = scale(xTrain); err != nil {
		return nil, err
	}
	if xTest, err = scale(xTest); err != nil {
		return nil, err
	}
	t := &epochTimer{}
	opts := []keras.FitOption{keras.Epochs(c.Epochs), keras.BatchSize(c.Batch), keras.Verbose(c.Verbose),
		keras.Callbacks(t), keras.Output(c.logs())}
	stop, err := prof.Start(c.CPUProfile, c.OpStats, c.logs())
	if err != nil {
		return nil, err
	}
	history, err := model.Fit(xTrain, yTrain, opts...)
	if perr := stop(); err == nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	testLoss, metrics, err := model.Evaluate(xTest, yTest, keras.Verbose(min(c.Verbose, 2)), keras.Output(c.logs()))
	if err != nil {
		return nil, err
	}
	r := &result{
		Workload: "cifar10_" + c.Model, Model: c.Model, Params: model.CountParams(),
		Epochs: c.Epochs, Batch: c.Batch, Threads: tensorgo.NumThreads(), Seed: c.Seed,
		EpochSeconds: t.seconds, TrainLoss: history.History["loss"], TrainAccuracy: history.History["accuracy"],
		TestLoss: testLoss, TestAccuracy: metrics["accuracy"],
	}
	if c.SkipPrint || c.Out == nil {
		return r, nil
	}
	if err := printSummary(&c, model); err != nil {
		return nil, err
	}
	fmt.Fprintf(c.logs(), "test accuracy: %.4f\n", r.TestAccuracy)
	if c.JSON {
		return r, emit(&c, r)
	}
	return r, nil
}

// speedResult is what a -synthetic run measured; it is the -json line.
type speedResult struct {
	Workload        string  `json:"workload"`
	Model           string  `json:"model"`
	Params          int     `json:"params"`
	Mode            string  `json:"mode"`
	SyntheticData   bool    `json:"synthetic_data"`
	Batch           int     `json:"batch"`
	Threads         int     `json:"threads"`
	Seed            int64   `json:"seed"`
	Samples         int     `json:"samples"`
	Warmup          int     `json:"warmup"`
	Steps           int     `json:"steps"`
	MsPerStep       float64 `json:"ms_per_step"` // the median
	MsPerStepMean   float64 `json:"ms_per_step_mean"`
	MsPerStepP10    float64 `json:"ms_per_step_p10"`
	MsPerStepP90    float64 `json:"ms_per_step_p90"`
	ImagesPerSecond float64 `json:"images_per_s_median"`
	EstEpochSeconds float64 `json:"est_epoch_s_50k"` // a CIFAR-10 epoch (50,000 images) at the median step
	TrainLossMean   float64 `json:"train_loss_mean"`
}

// stepTimer records, for every training batch, the time since the end of
// the one before (for the first, since its start): the batch's gather,
// forward and backward passes and update.
type stepTimer struct {
	keras.CallbackBase
	last   time.Time
	first  bool
	times  []float64 // seconds
	losses []float64
}

func (s *stepTimer) OnTrainBatchBegin(int, keras.Logs) error {
	if s.first {
		s.last, s.first = time.Now(), false
	}
	return nil
}

func (s *stepTimer) OnTrainBatchEnd(_ int, logs keras.Logs) error {
	now := time.Now()
	s.times = append(s.times, now.Sub(s.last).Seconds())
	s.losses = append(s.losses, logs["loss"])
	s.last = now
	return nil
}

// runSynthetic trains the model for c.Warmup + c.Steps steps on seeded
// synthetic CIFAR-shaped data and reports the time per step.
func runSynthetic(c config) (*speedResult, error) {
	if c.Steps < 1 || c.Warmup < 0 || c.Batch < 1 {
		return nil, fmt.Errorf("-synthetic needs -steps >= 1, -warmup >= 0 and -batch >= 1 (got %d, %d, %d)", c.Steps, c.Warmup, c.Batch)
	}
	model, err := newCompiled(&c)
	if err != nil {
		return nil, err
	}
	total := c.Warmup + c.Steps
	// Full batches only, so that every step has the same shape: the pool
	// holds at least total batches.
	n := max(c.Samples, total*c.Batch)
	xu, y := synthetic(n, c.Seed)
	x, err := scale(xu)
	if err != nil {
		return nil, err
	}
	st := &stepTimer{first: true}
	stop, err := prof.Start(c.CPUProfile, c.OpStats, c.logs())
	if err != nil {
		return nil, err
	}
	_, err = model.Fit(x, y, keras.Epochs(1), keras.StepsPerEpoch(total), keras.BatchSize(c.Batch),
		keras.Verbose(c.Verbose), keras.Callbacks(st), keras.Output(c.logs()))
	if perr := stop(); err == nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	if len(st.times) != total {
		return nil, fmt.Errorf("synthetic run: %d steps ran, want %d", len(st.times), total)
	}
	ts := append([]float64(nil), st.times[c.Warmup:]...)
	// Keras's logged loss is the running mean over the epoch; the mean
	// over the timed steps is recovered from the running means.
	lossSum := st.losses[total-1]*float64(total) - (func() float64 {
		if c.Warmup == 0 {
			return 0
		}
		return st.losses[c.Warmup-1] * float64(c.Warmup)
	})()
	mean := 0.0
	for _, t := range ts {
		mean += t
	}
	mean /= float64(len(ts))
	sort.Float64s(ts)
	med := quantile(ts, 0.5)
	ms := func(s float64) float64 { return math.Round(s*1e6) / 1e3 }
	r := &speedResult{
		Workload: "cifar10_" + c.Model + "_synthetic", Model: c.Model, Params: model.CountParams(),
		Mode: "train", SyntheticData: true, Batch: c.Batch, Threads: tensorgo.NumThreads(), Seed: c.Seed,
		Samples: n, Warmup: c.Warmup, Steps: c.Steps,
		MsPerStep: ms(med), MsPerStepMean: ms(mean), MsPerStepP10: ms(quantile(ts, 0.1)), MsPerStepP90: ms(quantile(ts, 0.9)),
		ImagesPerSecond: math.Round(float64(c.Batch)/med*10) / 10,
		EstEpochSeconds: math.Round(math.Ceil(50000/float64(c.Batch))*med*10) / 10,
		TrainLossMean:   lossSum / float64(c.Steps),
	}
	fmt.Fprintf(c.logs(), "%s: median %.2f ms/step, %.1f images/s\n", c.Model, r.MsPerStep, r.ImagesPerSecond)
	if c.JSON {
		return r, emit(&c, r)
	}
	return r, nil
}

// quantile returns the q-quantile of the sorted values, interpolating
// linearly between neighbours.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}
