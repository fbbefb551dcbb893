package tensor

import (
	"sync"
)

// PrintOptions control how tensors print, as numpy.set_printoptions does.
// The zero value is not useful: start from DefaultPrintOptions.
type PrintOptions struct {
	// Precision is the most digits printed after the decimal point (8). Each
	// value prints with the fewest digits that read back as the same value
	// of its dtype, up to this many.
	Precision int
	// Threshold is the most elements printed in full (1000); bigger tensors
	// are summarised, showing EdgeItems at each end of every dimension
	// around "...". math.MaxInt never summarises.
	Threshold int
	// EdgeItems is how many entries a summary keeps at each end (3).
	EdgeItems int
	// LineWidth is the column at which rows wrap (75).
	LineWidth int
	// Suppress prints small values in fixed-point notation (rounded to
	// Precision, so 1e-10 prints as 0.) instead of switching the whole
	// tensor to scientific notation (false).
	Suppress bool
}

// DefaultPrintOptions returns NumPy's defaults: precision 8, threshold 1000,
// 3 edge items, lines of 75 columns, no suppression.
func DefaultPrintOptions() PrintOptions {
	return PrintOptions{Precision: 8, Threshold: 1000, EdgeItems: 3, LineWidth: 75}
}

var (
	printMu   sync.RWMutex
	printOpts = DefaultPrintOptions()
)

// SetPrintOptions sets the options that String and ValuesString use, for the
// whole process, and returns the previous ones (so that a caller can restore
// them). It is safe to call concurrently with printing.
func SetPrintOptions(o PrintOptions) (previous PrintOptions) {
	printMu.Lock()
	defer printMu.Unlock()
	previous, printOpts = printOpts, o
	return previous
}

// CurrentPrintOptions returns the options that String and ValuesString use.
func CurrentPrintOptions() PrintOptions {
	printMu.RLock()
	defer printMu.RUnlock()
	return printOpts
}
