package mlp

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/tensorgo/tensorgo/summary"
)

// -logdir writes the TensorBoard callback's train and validation runs (the
// test set validates every epoch) and -plot the curves.
func TestLogDirAndPlot(t *testing.T) {
	dir := t.TempDir()
	fs := flag.NewFlagSet("mnist", flag.PanicOnError)
	c := Flags(fs, "mnist_mlp", 5)
	logdir, curves := filepath.Join(dir, "logs"), filepath.Join(dir, "curves.png")
	if err := fs.Parse([]string{"-epochs", "2", "-batch", "16", "-verbose", "0", "-logdir", logdir, "-plot", curves}); err != nil {
		t.Fatal(err)
	}
	c.LoadData, c.SkipPrint = tinyData, true
	r, err := Run(*c)
	if err != nil {
		t.Fatal(err)
	}
	for run, tags := range map[string][]string{
		"train":      {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"},
		"validation": {"epoch_loss", "epoch_accuracy", "evaluation_loss_vs_iterations"},
	} {
		files, _ := filepath.Glob(filepath.Join(logdir, run, "events.out.tfevents.*"))
		if len(files) != 1 {
			t.Fatalf("%s: %d events files, want 1", run, len(files))
		}
		evs, err := summary.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		steps := map[string][]int64{}
		values := map[string][]float64{}
		hists := 0
		for _, ev := range evs {
			for _, v := range ev.Values {
				if v.Plugin == "histograms" {
					hists++
				}
				steps[v.Tag] = append(steps[v.Tag], ev.Step)
				values[v.Tag] = append(values[v.Tag], v.Scalar)
			}
		}
		for _, tag := range tags {
			if len(steps[tag]) != 2 {
				t.Errorf("%s/%s at steps %v, want one per epoch", run, tag, steps[tag])
			}
		}
		if run == "train" {
			// The epoch losses are the History's (as float32).
			for i, l := range r.TrainLoss {
				if values["epoch_loss"][i] != float64(float32(l)) {
					t.Errorf("train epoch_loss %v, History %v", values["epoch_loss"], r.TrainLoss)
				}
			}
			// HistogramFreq 1: the two Dense layers' kernel and bias each epoch.
			if hists != 2*4 {
				t.Errorf("%d weight histograms, want 8", hists)
			}
		}
	}
	f, err := os.Open(curves)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", curves, err)
	}
	if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
		t.Errorf("curves image is %v", b)
	}
}
