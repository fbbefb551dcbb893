package keras

import (
	"io"
	"os"

	"github.com/tensorgo/tensorgo/tensor"
)

// FitOption configures Fit, Evaluate and Predict.
type FitOption func(*fitConfig)

type fitConfig struct {
	epochs, batchSize, verbose, initialEpoch int
	validationSplit                          float64
	valX, valY                               any
	validationFreq                           int
	shuffle                                  bool
	classWeight                              map[int]float64
	sampleWeight                             *tensor.Tensor
	callbacks                                []Callback
	out                                      io.Writer
	stepsPerEpoch                            int
}

func newFitConfig(opts []FitOption) *fitConfig {
	c := &fitConfig{epochs: 1, batchSize: 32, verbose: 1, shuffle: true, validationFreq: 1, out: os.Stdout}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Epochs sets the number of epochs (default 1).
func Epochs(n int) FitOption { return func(c *fitConfig) { c.epochs = n } }

// BatchSize sets the batch size (default 32).
func BatchSize(n int) FitOption { return func(c *fitConfig) { c.batchSize = n } }

// Verbose sets the output: 0 silent, 1 progress bar (default), 2 one line
// per epoch.
func Verbose(v int) FitOption { return func(c *fitConfig) { c.verbose = v } }

// ValidationSplit holds out the last fraction f of the samples (before
// shuffling) to validate on at the end of each epoch, as Keras: the first
// floor(n*(1-f)) rows train and the rest validate. Fit returns an error when
// either part would be empty.
func ValidationSplit(f float64) FitOption { return func(c *fitConfig) { c.validationSplit = f } }

// ValidationData validates on x, y at the end of each epoch.
func ValidationData(x, y any) FitOption { return func(c *fitConfig) { c.valX, c.valY = x, y } }

// ValidationFreq validates every n epochs (default 1).
func ValidationFreq(n int) FitOption { return func(c *fitConfig) { c.validationFreq = n } }

// Shuffle sets whether samples are shuffled before each epoch (default
// true; ignored for a Dataset).
func Shuffle(b bool) FitOption { return func(c *fitConfig) { c.shuffle = b } }

// InitialEpoch sets the epoch to start from (resuming a run).
func InitialEpoch(n int) FitOption { return func(c *fitConfig) { c.initialEpoch = n } }

// ClassWeight weights each sample's loss by the weight of its class.
func ClassWeight(w map[int]float64) FitOption { return func(c *fitConfig) { c.classWeight = w } }

// SampleWeight weights the loss: one weight per sample (shape (n,) or
// (n, 1)) or, for a loss over time steps, one per sample and step (shape
// (n, T) for predictions of shape (n, T, ...)). Its rows are batched with x
// and y and fed with their shape; for a model with several outputs the same
// weights apply to every output, as in Keras.
func SampleWeight(w *tensor.Tensor) FitOption { return func(c *fitConfig) { c.sampleWeight = w } }

// Callbacks adds callbacks.
func Callbacks(cbs ...Callback) FitOption {
	return func(c *fitConfig) { c.callbacks = append(c.callbacks, cbs...) }
}

// Output sets where progress is written (default os.Stdout).
func Output(w io.Writer) FitOption { return func(c *fitConfig) { c.out = w } }

// StepsPerEpoch sets the batches per epoch (it is needed for an infinite
// Dataset). When it differs from the dataset's length,
// one pass over the dataset runs across epochs, as in Keras: an epoch goes
// on where the last one stopped, and a dataset that runs out ends training
// with a warning.
func StepsPerEpoch(n int) FitOption { return func(c *fitConfig) { c.stepsPerEpoch = n } }
