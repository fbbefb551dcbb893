package keras_test

import (
	"bytes"
	"image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/summary"
	"github.com/tensorgo/tensorgo/tensor"
)

// readRun reads the one events file of a run directory.
func readRun(t *testing.T, dir string) []summary.Event {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "events.out.tfevents.*"))
	if len(files) != 1 {
		t.Fatalf("%d events files in %s, want 1", len(files), dir)
	}
	evs, err := summary.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// point is one scalar written: its step and value.
type point struct {
	step  int64
	value float64
}

// scalars groups a run's scalar values by tag, in the order written.
func scalars(evs []summary.Event) map[string][]point {
	out := map[string][]point{}
	for _, ev := range evs {
		for _, v := range ev.Values {
			if v.Plugin == "scalars" {
				out[v.Tag] = append(out[v.Tag], point{ev.Step, v.Scalar})
			}
		}
	}
	return out
}

// recorder keeps copies of the logs TensorBoard saw (it runs after it), the
// optimizer's state at each epoch's end and the weights.
type recorder struct {
	keras.CallbackBase
	batches []keras.Logs
	epochs  []keras.Logs
	iters   []int64
	lrs     []float64
	kernels []*tensor.Tensor
	biases  []*tensor.Tensor
}

func (r *recorder) OnTrainBatchEnd(_ int, logs keras.Logs) error {
	r.batches = append(r.batches, maps.Clone(logs))
	return nil
}

func (r *recorder) OnEpochEnd(_ int, logs keras.Logs) error {
	r.epochs = append(r.epochs, maps.Clone(logs))
	r.iters = append(r.iters, r.Model.Optimizer().Iterations())
	r.lrs = append(r.lrs, r.Model.Optimizer().LearningRate())
	w := r.Model.GetWeights()
	r.kernels = append(r.kernels, w[0].Clone())
	r.biases = append(r.biases, w[1].Clone())
	return nil
}

func checkPoints(t *testing.T, tag string, got, want []point) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d points %v, want %d %v", tag, len(got), got, len(want), want)
		return
	}
	for i := range want {
		// Scalars are stored as float32, as TensorFlow stores them.
		if got[i].step != want[i].step || got[i].value != float64(float32(want[i].value)) {
			t.Errorf("%s point %d: %v, want %v", tag, i, got[i], want[i])
		}
	}
}

func TestTensorBoardCallback(t *testing.T) {
	x, y := blobs(30, 1)
	m := smallModel(t, 0.1)
	dir := filepath.Join(t.TempDir(), "logs")
	tb := keras.NewTensorBoard(dir)
	tb.HistogramFreq, tb.WriteImages, tb.UpdateFreq = 2, true, 2
	rec := &recorder{}
	// 30 samples, a fifth for validation: 24 to train on, 3 batches of 8
	// per epoch, 9 in all.
	_, err := m.Fit(x, y, keras.Epochs(3), keras.BatchSize(8), keras.ValidationSplit(0.2), keras.Verbose(0),
		keras.Callbacks(tb, rec))
	if err != nil {
		t.Fatal(err)
	}
	train := readRun(t, filepath.Join(dir, "train"))
	val := readRun(t, filepath.Join(dir, "validation"))
	ts, vs := scalars(train), scalars(val)

	// Epoch summaries at steps 0, 1, 2.
	var loss, acc, lr, vloss, vacc, evloss, evacc []point
	for e, l := range rec.epochs {
		s := int64(e)
		loss = append(loss, point{s, l["loss"]})
		acc = append(acc, point{s, l["accuracy"]})
		lr = append(lr, point{s, rec.lrs[e]})
		vloss = append(vloss, point{s, l["val_loss"]})
		vacc = append(vacc, point{s, l["val_accuracy"]})
		evloss = append(evloss, point{rec.iters[e], l["val_loss"]})
		evacc = append(evacc, point{rec.iters[e], l["val_accuracy"]})
	}
	checkPoints(t, "train epoch_loss", ts["epoch_loss"], loss)
	checkPoints(t, "train epoch_accuracy", ts["epoch_accuracy"], acc)
	checkPoints(t, "train epoch_learning_rate", ts["epoch_learning_rate"], lr)
	checkPoints(t, "validation epoch_loss", vs["epoch_loss"], vloss)
	checkPoints(t, "validation epoch_accuracy", vs["epoch_accuracy"], vacc)
	checkPoints(t, "validation evaluation_loss_vs_iterations", vs["evaluation_loss_vs_iterations"], evloss)
	checkPoints(t, "validation evaluation_accuracy_vs_iterations", vs["evaluation_accuracy_vs_iterations"], evacc)
	if rec.iters[2] != 9 || rec.lrs[0] != 0.1 {
		t.Errorf("optimizer at the end: %d iterations, rate %v; want 9 and 0.1", rec.iters[2], rec.lrs[0])
	}

	// Batch summaries every 2 batches, counted over the whole of Fit from 1.
	var bloss, bacc []point
	for i, l := range rec.batches {
		if (i+1)%2 == 0 {
			bloss = append(bloss, point{int64(i + 1), l["loss"]})
			bacc = append(bacc, point{int64(i + 1), l["accuracy"]})
		}
	}
	checkPoints(t, "train batch_loss", ts["batch_loss"], bloss)
	checkPoints(t, "train batch_accuracy", ts["batch_accuracy"], bacc)
	for tag := range ts {
		if !strings.HasPrefix(tag, "epoch_") && !strings.HasPrefix(tag, "batch_") {
			t.Errorf("unexpected train scalar %q", tag)
		}
	}
	if len(vs) != 4 {
		t.Errorf("validation scalars %v, want epoch_loss, epoch_accuracy and the evaluation pair", vs)
	}

	// Histograms and images of the weights at epochs 0 and 2.
	graphs := 0
	hist := map[string][]int64{}
	for _, ev := range train {
		if len(ev.GraphDef) > 0 {
			graphs++
			if !bytes.Contains(ev.GraphDef, []byte("MatMul")) {
				t.Error("the graph has no MatMul")
			}
		}
		for _, v := range ev.Values {
			switch v.Plugin {
			case "histograms":
				hist[v.Tag] = append(hist[v.Tag], ev.Step)
				w := rec.kernels[ev.Step]
				if v.Tag == "dense/bias/histogram" {
					w = rec.biases[ev.Step]
				}
				checkHistogram(t, v, w)
			case "images":
				hist[v.Tag] = append(hist[v.Tag], ev.Step)
				w := rec.kernels[ev.Step]
				if v.Tag == "dense/bias/image" {
					w = rec.biases[ev.Step]
				}
				checkImage(t, v, w)
			}
		}
	}
	if graphs != 1 {
		t.Errorf("%d graphs written, want 1", graphs)
	}
	for _, tag := range []string{"dense/kernel/histogram", "dense/bias/histogram", "dense/kernel/image", "dense/bias/image"} {
		if s := hist[tag]; len(s) != 2 || s[0] != 0 || s[1] != 2 {
			t.Errorf("%s at steps %v, want [0 2]", tag, s)
		}
	}
	if len(hist) != 4 {
		t.Errorf("histogram and image tags %v, want 4", hist)
	}
}

// checkHistogram checks a TF2 histogram of w's values: 30 buckets from
// w's minimum to its maximum holding every value.
func checkHistogram(t *testing.T, v summary.Value, w *tensor.Tensor) {
	t.Helper()
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := 0; i < w.Size(); i++ {
		lo, hi = math.Min(lo, w.Float(i)), math.Max(hi, w.Float(i))
	}
	var n float64
	for _, b := range v.Histogram {
		n += b.Count
	}
	if len(v.Histogram) != 30 || n != float64(w.Size()) || v.Histogram[0].Left != lo || v.Histogram[29].Right != hi {
		t.Errorf("%s: %d buckets holding %v values from %v to %v; want 30 holding %d from %v to %v",
			v.Tag, len(v.Histogram), n, v.Histogram[0].Left, v.Histogram[29].Right, w.Size(), lo, hi)
	}
}

// checkImage checks the image of a dense kernel (4, 3), drawn transposed
// (3 high, 4 wide), or of a bias (3), a column 3 high: each pixel is
// v*255.5 saturated to [0, 255], truncated.
func checkImage(t *testing.T, v summary.Value, w *tensor.Tensor) {
	t.Helper()
	if len(v.Images) != 1 {
		t.Fatalf("%s: %d images, want 1", v.Tag, len(v.Images))
	}
	img, err := png.Decode(bytes.NewReader(v.Images[0]))
	if err != nil {
		t.Fatalf("%s: %v", v.Tag, err)
	}
	b := img.Bounds()
	wantW, wantH := 1, 3
	if w.Rank() == 2 {
		wantW = 4
	}
	if b.Dx() != wantW || b.Dy() != wantH || v.Width != wantW || v.Height != wantH {
		t.Fatalf("%s: %dx%d (recorded %dx%d), want %dx%d", v.Tag, b.Dx(), b.Dy(), v.Width, v.Height, wantW, wantH)
	}
	for row := 0; row < wantH; row++ {
		for col := 0; col < wantW; col++ {
			var val float64
			if w.Rank() == 2 {
				val = w.At(col, row)
			} else {
				val = w.At(row)
			}
			want := uint32(math.Trunc(math.Min(255, math.Max(0, val*255.5))))
			r, _, _, _ := img.At(col, row).RGBA()
			if r>>8 != want {
				t.Errorf("%s pixel (%d, %d): %d, want %d from %v", v.Tag, col, row, r>>8, want, val)
			}
		}
	}
}

func TestTensorBoardDefaults(t *testing.T) {
	x, y := blobs(20, 2)
	m := smallModel(t, 0.05)
	dir := filepath.Join(t.TempDir(), "logs")
	// A struct literal: no graph, epoch summaries only, no validation run.
	tb := &keras.TensorBoard{LogDir: dir, ProfileBatch: 3}
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(10), keras.Verbose(0), keras.Callbacks(tb)); err != nil {
		t.Fatal(err)
	}
	train := readRun(t, filepath.Join(dir, "train"))
	if _, err := os.Stat(filepath.Join(dir, "validation")); !os.IsNotExist(err) {
		t.Errorf("a validation run without validation data: %v", err)
	}
	got := scalars(train)
	for _, tag := range []string{"epoch_loss", "epoch_accuracy", "epoch_learning_rate"} {
		if len(got[tag]) != 2 || got[tag][0].step != 0 || got[tag][1].step != 1 {
			t.Errorf("%s: %v, want steps 0 and 1", tag, got[tag])
		}
	}
	if len(got) != 3 {
		t.Errorf("train scalars %v, want the three epoch ones", got)
	}
	for _, ev := range train {
		if len(ev.GraphDef) > 0 {
			t.Error("a graph written with WriteGraph false")
		}
	}
	if d := keras.NewTensorBoard(""); !d.WriteGraph || d.UpdateFreq != 0 || d.HistogramFreq != 0 {
		t.Errorf("NewTensorBoard defaults %+v, want Keras's", d)
	}
}

func TestTensorBoardErrorStopsFit(t *testing.T) {
	x, y := blobs(20, 3)
	m := smallModel(t, 0.05)
	// The log directory is a file: the train run cannot be created.
	file := filepath.Join(t.TempDir(), "logs")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	epochs := 0
	count := &keras.LambdaCallback{OnEpochEndFn: func(int, keras.Logs) error { epochs++; return nil }}
	_, err := m.Fit(x, y, keras.Epochs(2), keras.Verbose(0), keras.Callbacks(keras.NewTensorBoard(file), count))
	if err == nil || !strings.Contains(err.Error(), "TensorBoard") || !strings.Contains(err.Error(), "OnTrainBegin") {
		t.Errorf("Fit with an unusable log directory: %v, want the callback's error", err)
	}
	if epochs != 0 {
		t.Errorf("%d epochs ran after the error", epochs)
	}
}

func TestTensorBoardStepsPerSecond(t *testing.T) {
	x, y := blobs(20, 4)
	m := smallModel(t, 0.05)
	dir := filepath.Join(t.TempDir(), "logs")
	tb := &keras.TensorBoard{LogDir: dir, WriteStepsPerSecond: true, UpdateFreq: keras.UpdateBatch}
	// 20 samples at batch 5: 4 steps per epoch, 8 in all.
	if _, err := m.Fit(x, y, keras.Epochs(2), keras.BatchSize(5), keras.Verbose(0), keras.Callbacks(tb)); err != nil {
		t.Fatal(err)
	}
	got := scalars(readRun(t, filepath.Join(dir, "train")))
	if b := got["batch_steps_per_second"]; len(b) != 8 || b[0].step != 1 || b[7].step != 8 {
		t.Errorf("batch_steps_per_second %v, want steps 1 to 8", b)
	}
	if e := got["epoch_steps_per_second"]; len(e) != 2 || e[0].step != 0 || e[1].step != 1 {
		t.Errorf("epoch_steps_per_second %v, want steps 0 and 1", e)
	}
	for _, tag := range []string{"batch_steps_per_second", "epoch_steps_per_second"} {
		for _, p := range got[tag] {
			if !(p.value > 0) || math.IsInf(p.value, 0) {
				t.Errorf("%s = %v, want a positive rate", tag, p.value)
			}
		}
	}
}
