package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tensorgo/tensorgo/tensor"
)

func runJSON(t *testing.T, args ...string) Result {
	t.Helper()
	var out, errs bytes.Buffer
	if err := run(append(args, "-json"), &out, &errs); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errs.String())
	}
	var r Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: the JSON line %q: %v", args, out.String(), err)
	}
	return r
}

// With each cell the model trains on the real series (weekly CO2, fast
// settings) and beats predicting the previous value on the test part.
func TestEachCellBeatsPersistenceOnCO2(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models (about a minute)")
	}
	if _, err := os.Stat(DefaultCSV); err != nil {
		t.Skipf("the default series is not installed (apt-get install python3-statsmodels): %v", err)
	}
	for _, cell := range []string{"simplernn", "lstm", "gru"} {
		dir := t.TempDir()
		r := runJSON(t, "-cell", cell, "-epochs", "6", "-plot", dir)
		if r.TestSamples != 240 || r.TrainSamples != 2284-300-1-60 {
			t.Errorf("%s: %d training and %d test windows, want %d and 240", cell, r.TrainSamples, r.TestSamples, 2284-300-1-60)
		}
		if !(r.TestRMSE < r.PersistenceRMSE) || math.IsNaN(r.TestRMSE) {
			t.Errorf("%s: test RMSE %.4f does not beat persistence's %.4f", cell, r.TestRMSE, r.PersistenceRMSE)
		}
		if math.Abs(r.TestRMSE*r.TestRMSE-r.TestMSE) > 1e-9*r.TestMSE || r.TestMAE > r.TestRMSE {
			t.Errorf("%s: MSE %v, RMSE %v, MAE %v are inconsistent", cell, r.TestMSE, r.TestRMSE, r.TestMAE)
		}
		if len(r.EpochSeconds) != 6 || len(r.TrainLoss) != 6 || len(r.ValLoss) != 6 {
			t.Errorf("%s: %d epoch times, %d losses, %d validation losses, want 6", cell, len(r.EpochSeconds), len(r.TrainLoss), len(r.ValLoss))
		}
		for _, name := range []string{"stock_prediction.png", "stock_loss.png"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("%s: %s is not a PNG (%v)", cell, name, err)
			}
		}
	}
}

// Persistence's errors on CO2, computed here from the file directly: the
// target rows are the last 240, each predicted by the row before it.
func TestPersistenceBaselineByHand(t *testing.T) {
	if _, err := os.Stat(DefaultCSV); err != nil {
		t.Skipf("the default series is not installed: %v", err)
	}
	b, err := os.ReadFile(DefaultCSV)
	if err != nil {
		t.Fatal(err)
	}
	var v []float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		_, val, _ := strings.Cut(line, ",")
		x := math.NaN()
		if val != "" {
			if err := json.Unmarshal([]byte(val), &x); err != nil {
				t.Fatal(err)
			}
		}
		v = append(v, x)
	}
	// The last 240 rows and the one before have no gaps in this file.
	var se float64
	for r := len(v) - 240; r < len(v); r++ {
		if math.IsNaN(v[r]) || math.IsNaN(v[r-1]) {
			t.Fatalf("row %d is missing", r)
		}
		se += (v[r] - v[r-1]) * (v[r] - v[r-1])
	}
	s := settings{data: "csv", csvPath: DefaultCSV, dateCol: "date", priceCol: "co2", window: 60, test: 300, target: "change"}
	d, err := prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	mse, _, _ := errorsOf(d.prev, d.real)
	if math.Abs(mse-se/240) > 1e-9 {
		t.Errorf("persistence MSE %v, by hand %v", mse, se/240)
	}
}

// The course's layout (SH600519.csv): an unnamed index column, ISO dates
// (here out of order) and a missing price, filled in between neighbours.
func TestLoadSeriesCourseLayout(t *testing.T) {
	v, err := loadSeries("testdata/course_layout.csv", "date", "open")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{87, 87.25, 87.5, 88, 90} // 04-26 .. 04-30; 04-27 interpolated
	if len(v) != len(want) {
		t.Fatalf("got %v, want %v", v, want)
	}
	for i := range want {
		if v[i] != want[i] {
			t.Fatalf("got %v, want %v", v, want)
		}
	}
	if _, err := loadSeries("testdata/course_layout.csv", "date", "price"); err == nil || !strings.Contains(err.Error(), "price") {
		t.Errorf("a missing column: %v", err)
	}
	if _, err := loadSeries(filepath.Join(t.TempDir(), "none.csv"), "date", "open"); err == nil {
		t.Error("a missing file: no error")
	}
}

func TestInterpolate(t *testing.T) {
	n := math.NaN()
	v := []float64{n, 2, n, n, 5, n}
	if err := interpolate(v); err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 2, 3, 4, 5, 5}
	for i := range want {
		if v[i] != want[i] {
			t.Fatalf("got %v, want %v", v, want)
		}
	}
	if err := interpolate([]float64{n, n}); err == nil {
		t.Error("a column with no values: no error")
	}
	// An infinite price (it would make its missing neighbours NaN) is
	// named in the error.
	err := interpolate([]float64{math.Inf(1), n, 0})
	if err == nil || !strings.Contains(err.Error(), "value 0 (in date order) is +Inf") {
		t.Errorf("an infinite price: error %v, want one naming value 0 and +Inf", err)
	}
}

// The scaler is fitted on the training part only: the scaled training
// values span [0, 1] while the test part may leave it.
func TestScalerFitsTrainingPartOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.csv")
	var b strings.Builder
	b.WriteString("date,price\n")
	for i := 0; i < 200; i++ {
		b.WriteString("2000" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "," + jsonNum(float64(i)) + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := prepare(settings{data: "csv", csvPath: path, dateCol: "date", priceCol: "price", window: 10, test: 50, target: "level"})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, part := range []*tensor.Tensor{d.train.x, d.train.y} {
		for i := 0; i < part.Size(); i++ {
			lo, hi = math.Min(lo, part.Float(i)), math.Max(hi, part.Float(i))
		}
	}
	if lo != 0 || math.Abs(hi-1) > 1e-6 {
		t.Errorf("scaled training windows span [%v, %v], want [0, 1]", lo, hi)
	}
	// Price 199 scales to 199/149 with the scaler of prices 0..149.
	last := d.test.y.Float(d.test.y.Size() - 1)
	if math.Abs(last-199.0/149) > 1e-5 {
		t.Errorf("the last test target scales to %v, want %v", last, 199.0/149)
	}
	if d.train.x.Dim(0) != 150-10 || d.test.x.Dim(0) != 50-10 {
		t.Errorf("%d training and %d test windows", d.train.x.Dim(0), d.test.x.Dim(0))
	}
	if d.real[0] != 160 || d.prev[0] != 159 {
		t.Errorf("the first test sample predicts %v after %v, want 160 after 159", d.real[0], d.prev[0])
	}
}

func jsonNum(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// -data w5: the anchors' series, LSTM model and batch size.
func TestW5(t *testing.T) {
	r := runJSON(t, "-data", "w5", "-epochs", "1", "-plot", "")
	if r.Cell != "lstm" || r.Batch != 64 || r.TrainSamples != 1640 || r.TestSamples != 300 || len(r.EpochSeconds) != 1 {
		t.Errorf("w5: %+v", r)
	}
	if math.IsNaN(r.TestRMSE) || r.TestRMSE <= 0 {
		t.Errorf("w5: test RMSE %v", r.TestRMSE)
	}
}

// -data w9: the anchors' w9 model (the course's, both Dropouts) with -cell.
func TestW9(t *testing.T) {
	r := runJSON(t, "-data", "w9", "-cell", "gru", "-epochs", "1", "-plot", "")
	if r.Data != "w9" || r.Cell != "gru" || r.Batch != 64 || len(r.EpochSeconds) != 1 {
		t.Errorf("w9: %+v", r)
	}
	if math.IsNaN(r.TestMSEScaled) || r.TestMSEScaled <= 0 {
		t.Errorf("w9: scaled test MSE %v", r.TestMSEScaled)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-cell", "elman"}, {"-data", "x"}, {"-target", "x"}, {"-decay", "x"}, {"-window", "0"}} {
		var out, errs bytes.Buffer
		if err := run(args, &out, &errs); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
