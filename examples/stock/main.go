// Command stock is the course's stock-price RNN (chapter 6): the next value
// of a series from the 60 before it.
//
// The series is one column of a CSV file in the course's layout (a date
// column and price columns, such as the course's SH600519.csv with
// "date,open,close,high,low,volume,code"): -date and -price name the
// columns, rows are put in date order and missing prices are filled in by
// linear interpolation. The last -test rows are the test part; the
// MinMaxScaler is fitted on the training part only. Training windows come
// from the training part, test windows from the test part, as in the
// course. The model is the course's
//
//	SimpleRNN(80, return_sequences) → Dropout(0.2) → SimpleRNN(100) → Dropout(0.2) → Dense(1)
//
// (-cell lstm or gru swaps the recurrent layers), MSE and Adam(0.001). It
// reports MSE, RMSE and MAE on the test part in the series' own units, with
// those of predicting the previous value (persistence) to compare, and
// draws the predictions against the real values and the loss curves to PNG
// files.
//
// By default the series is the weekly Mauna Loa CO2 record (1958–2001, ppm)
// that Debian's python3-statsmodels ships
// (/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv).
//
//	go run ./examples/stock
//	go run ./examples/stock -csv SH600519.csv -price open -cell lstm
//	go run ./examples/stock -data w5 -json      # the anchors' synthetic series and LSTM model
//	go run ./examples/stock -data w9 -cell gru  # the same series, w9_rnn_zoo.py's model
//
// With -data w5 or w9 the epochs are training only (no validation pass, as
// in the anchors' PyTorch loops; the first also builds the training step),
// the learning rate is constant unless -decay is given, and test_mse_scaled
// in the -json line is the MSE on the min-max scaled series, the figure the
// anchors print as test_mse (test_mse itself is in the series' units).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/tensorgo/tensorgo"
	"github.com/tensorgo/tensorgo/examples/internal/prof"
	"github.com/tensorgo/tensorgo/keras"
	"github.com/tensorgo/tensorgo/keras/layers"
	"github.com/tensorgo/tensorgo/optimizers"
	"github.com/tensorgo/tensorgo/plot"
	"github.com/tensorgo/tensorgo/tensor"
)

// DefaultCSV is the series used without -csv: weekly atmospheric CO2 at
// Mauna Loa, from Debian's python3-statsmodels.
const DefaultCSV = "/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stock:", err)
		os.Exit(1)
	}
}

// settings are the command's flags.
type settings struct {
	csvPath, dateCol, priceCol string
	data                       string // the series: "csv" or "w5"
	arch                       string // the model: "course", "w5" or "w9"
	target                     string // "change" or "level"
	cell                       string
	window, test               int
	epochs, batch              int
	lr                         float64
	decay                      string
	seed                       int64
	plotDir                    string
	threads                    int
	jsonOut                    bool
	quiet                      bool
	cpuProfile                 string
	opStats                    int
}

// Result is what a run reports (the -json line).
type Result struct {
	Workload        string    `json:"workload"`
	Data            string    `json:"data"`
	Target          string    `json:"target"`
	Cell            string    `json:"cell"`
	Epochs          int       `json:"epochs"`
	Batch           int       `json:"batch"`
	TrainSamples    int       `json:"train_samples"`
	TestSamples     int       `json:"test_samples"`
	EpochSeconds    []float64 `json:"epoch_seconds"`
	TrainLoss       []float64 `json:"train_loss"`
	ValLoss         []float64 `json:"val_loss,omitempty"`
	TestMSE         float64   `json:"test_mse"`
	TestRMSE        float64   `json:"test_rmse"`
	TestMAE         float64   `json:"test_mae"`
	TestMSEScaled   float64   `json:"test_mse_scaled"`
	PersistenceMSE  float64   `json:"persistence_mse"`
	PersistenceRMSE float64   `json:"persistence_rmse"`
	PersistenceMAE  float64   `json:"persistence_mae"`
	Threads         int       `json:"threads"`
	Plots           []string  `json:"plots,omitempty"`
}

func parse(args []string, stderr io.Writer) (settings, error) {
	var s settings
	fs := flag.NewFlagSet("stock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&s.csvPath, "csv", DefaultCSV, "CSV file with a date column and a price column")
	fs.StringVar(&s.dateCol, "date", "date", "the CSV's date column (rows are sorted by it)")
	fs.StringVar(&s.priceCol, "price", "", `the CSV's price column (default "co2" for the default file, else "open")`)
	fs.StringVar(&s.data, "data", "csv", `"csv" (the -csv file), "w5" (the anchors' synthetic series and w5_lstm.py's model) or "w9" (that series and w9_rnn_zoo.py's model)`)
	fs.StringVar(&s.target, "target", "change", `what the windows hold: "change" (the steps' changes; the prediction adds the predicted change to the last value) or "level" (the course's scaled values)`)
	fs.StringVar(&s.cell, "cell", "simplernn", "recurrent layers: simplernn, lstm or gru")
	fs.IntVar(&s.window, "window", 60, "steps in, one out")
	fs.IntVar(&s.test, "test", 300, "rows (or, with -data w5, windows) of the test part")
	fs.IntVar(&s.epochs, "epochs", 50, "training epochs (w5: 2 unless set)")
	fs.IntVar(&s.batch, "batch", 64, "batch size")
	fs.Float64Var(&s.lr, "lr", 0.001, "Adam's learning rate")
	fs.StringVar(&s.decay, "decay", "cosine", `learning-rate schedule: "cosine" (down to 1% over the run) or "none" (the course's constant rate)`)
	fs.Int64Var(&s.seed, "seed", 1, "random seed")
	fs.StringVar(&s.plotDir, "plot", ".", `directory for stock_prediction.png and stock_loss.png ("" for none)`)
	fs.IntVar(&s.threads, "threads", 0, "threads for the kernels (0: all cores)")
	fs.BoolVar(&s.jsonOut, "json", false, "print one JSON line with epoch_seconds and the test errors (alone on standard output)")
	fs.StringVar(&s.cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the training (Fit) to this file")
	fs.IntVar(&s.opStats, "opstats", 0, "after training, print the N op types, and the N ops, that took the most kernel time")
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if s.priceCol == "" {
		s.priceCol = "open"
		if s.csvPath == DefaultCSV {
			s.priceCol = "co2"
		}
	}
	if s.target != "change" && s.target != "level" {
		return s, fmt.Errorf("-target %q: want change or level", s.target)
	}
	switch s.data {
	case "csv":
		s.arch = "course"
	case "w5", "w9":
		// The anchors' series, with their target, epochs and constant rate.
		s.arch, s.data = s.data, "w5"
		if !set["target"] {
			s.target = "level"
		}
		if !set["epochs"] {
			s.epochs = 2
		}
		if !set["decay"] {
			s.decay = "none"
		}
		if s.arch == "w5" && !set["cell"] {
			s.cell = "lstm"
		}
	default:
		return s, fmt.Errorf("-data %q: want csv, w5 or w9", s.data)
	}
	if s.decay != "cosine" && s.decay != "none" {
		return s, fmt.Errorf("-decay %q: want cosine or none", s.decay)
	}
	switch s.cell {
	case "simplernn", "lstm", "gru":
	default:
		return s, fmt.Errorf("-cell %q: want simplernn, lstm or gru", s.cell)
	}
	if s.window < 1 || s.test < 1 || s.epochs < 0 || s.batch < 1 {
		return s, errors.New("-window, -test and -batch must be positive and -epochs not negative")
	}
	return s, nil
}

// run is the command with its arguments: the report goes to stdout, or with
// -json one JSON line alone goes to stdout and everything else to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	s, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if s.threads > 0 {
		tensorgo.SetNumThreads(s.threads)
	}
	logs := stdout
	if s.jsonOut {
		logs = stderr
	}
	res, err := train(s, logs)
	if err != nil {
		return err
	}
	fmt.Fprintf(logs, "test (%d samples): MSE %.6g  RMSE %.6g  MAE %.6g\n", res.TestSamples, res.TestMSE, res.TestRMSE, res.TestMAE)
	fmt.Fprintf(logs, "persistence (the previous value): MSE %.6g  RMSE %.6g  MAE %.6g\n", res.PersistenceMSE, res.PersistenceRMSE, res.PersistenceMAE)
	for _, p := range res.Plots {
		fmt.Fprintln(logs, "wrote", p)
	}
	if s.jsonOut {
		line, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(line))
	}
	return nil
}

// model returns the course's model for the cell (also w9_rnn_zoo.py's), or
// w5_lstm.py's, which has no second Dropout.
func model(s settings) *keras.Model {
	rec := func(units int, opts ...layers.Option) layers.Layer {
		switch s.cell {
		case "lstm":
			return layers.LSTM(units, opts...)
		case "gru":
			return layers.GRU(units, opts...)
		}
		return layers.SimpleRNN(units, opts...)
	}
	if s.arch == "w5" {
		return keras.NewSequential(
			rec(80, layers.ReturnSequences(true), layers.InputShape(s.window, 1)),
			layers.Dropout(0.2),
			rec(100),
			layers.Dense(1))
	}
	return keras.NewSequential(
		rec(80, layers.ReturnSequences(true), layers.InputShape(s.window, 1)),
		layers.Dropout(0.2),
		rec(100),
		layers.Dropout(0.2),
		layers.Dense(1))
}

func train(s settings, logs io.Writer) (*Result, error) {
	keras.ClearSession()
	tensor.SetSeed(s.seed)
	d, err := prepare(s)
	if err != nil {
		return nil, err
	}
	tr, te := d.train, d.test
	m := model(s)
	var opt optimizers.Optimizer = optimizers.NewAdam(s.lr)
	if s.decay == "cosine" {
		steps := int64(s.epochs * ((tr.x.Dim(0) + s.batch - 1) / s.batch))
		opt = optimizers.NewAdam(s.lr, optimizers.Schedule(optimizers.CosineDecay(s.lr, max(steps, 1), 0.01)))
	}
	if err := m.Compile(opt, "mean_squared_error"); err != nil {
		return nil, err
	}
	what := "values"
	if d.change {
		what = "changes"
	}
	fmt.Fprintf(logs, "%s: %d training and %d test windows of %d %s, %s cells\n", d.name, tr.x.Dim(0), te.x.Dim(0), s.window, what, s.cell)
	data := s.data
	if s.arch != "course" {
		data = s.arch
	}
	res := &Result{Workload: "stock", Data: data, Target: s.target, Cell: s.cell, Epochs: s.epochs, Batch: s.batch,
		TrainSamples: tr.x.Dim(0), TestSamples: te.x.Dim(0), Threads: tensorgo.NumThreads()}
	start := time.Now()
	cb := &keras.LambdaCallback{OnEpochEndFn: func(e int, l keras.Logs) error {
		res.EpochSeconds = append(res.EpochSeconds, time.Since(start).Seconds())
		val := ""
		if v, ok := l["val_loss"]; ok {
			val = fmt.Sprintf(" val_loss %.6f", v)
		}
		fmt.Fprintf(logs, "epoch %d/%d: %.2fs loss %.6f%s\n", e+1, s.epochs, res.EpochSeconds[len(res.EpochSeconds)-1], l["loss"], val)
		start = time.Now()
		return nil
	}}
	opts := []keras.FitOption{keras.Epochs(s.epochs), keras.BatchSize(s.batch), keras.Verbose(0), keras.Callbacks(cb)}
	if s.data == "csv" {
		opts = append(opts, keras.ValidationData(te.x, te.y)) // the course's validation_data
	}
	stop, err := prof.Start(s.cpuProfile, s.opStats, logs)
	if err != nil {
		return nil, err
	}
	h, err := m.Fit(tr.x, tr.y, opts...)
	if perr := stop(); err == nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	res.TrainLoss, res.ValLoss = h.History["loss"], h.History["val_loss"]
	p, err := m.Predict(te.x, keras.Verbose(0))
	if err != nil {
		return nil, err
	}
	for i := 0; i < p.Size(); i++ {
		e := p.Float(i) - te.y.Float(i)
		res.TestMSEScaled += e * e
	}
	res.TestMSEScaled /= float64(max(p.Size(), 1))
	pred, err := d.levels(p)
	if err != nil {
		return nil, err
	}
	res.TestMSE, res.TestRMSE, res.TestMAE = errorsOf(pred, d.real)
	res.PersistenceMSE, res.PersistenceRMSE, res.PersistenceMAE = errorsOf(d.prev, d.real)
	if s.plotDir != "" {
		paths, err := draw(s.plotDir, d.name, pred, d.real, h.History)
		if err != nil {
			return nil, err
		}
		res.Plots = paths
	}
	return res, nil
}

// errorsOf returns the mean squared error, its root and the mean absolute
// error of pred against real.
func errorsOf(pred, real []float64) (mse, rmse, mae float64) {
	n := len(real)
	for i := 0; i < n; i++ {
		d := pred[i] - real[i]
		mse += d * d
		mae += math.Abs(d)
	}
	mse /= float64(n)
	return mse, math.Sqrt(mse), mae / float64(n)
}

func draw(dir, name string, pred, real []float64, history map[string][]float64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p1 := filepath.Join(dir, "stock_prediction.png")
	if err := plot.Series(p1, []plot.Line{{Name: "real", Values: real}, {Name: "predicted", Values: pred}},
		plot.Title(name+": prediction")); err != nil {
		return nil, err
	}
	p2 := filepath.Join(dir, "stock_loss.png")
	if err := plot.History(history, p2); err != nil {
		return nil, err
	}
	return []string{p1, p2}, nil
}
