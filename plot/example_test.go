package plot_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tensorgo/tensorgo/plot"
)

// Draw the loss and accuracy curves of a Fit run as the course does.
func ExampleHistory() {
	history := map[string][]float64{ // keras History.History
		"loss": {0.30, 0.14, 0.10}, "val_loss": {0.15, 0.11, 0.09},
		"accuracy": {0.91, 0.96, 0.97}, "val_accuracy": {0.95, 0.97, 0.97},
	}
	dir, _ := os.MkdirTemp("", "plot")
	defer os.RemoveAll(dir)
	err := plot.History(history, filepath.Join(dir, "curves.png"))
	fmt.Println(err, plot.Panels(history))
	// Output: <nil> [loss accuracy]
}
