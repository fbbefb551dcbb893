package summary_test

import (
	"fmt"
	"os"

	"github.com/tensorgo/tensorgo/summary"
)

// Write a run's training loss for TensorBoard, then read the file back.
func Example() {
	dir, _ := os.MkdirTemp("", "logs")
	defer os.RemoveAll(dir)

	w, err := summary.NewWriter(dir + "/train")
	if err != nil {
		fmt.Println(err)
		return
	}
	for step, loss := range []float64{0.9, 0.5, 0.25} {
		w.Scalar("epoch_loss", loss, int64(step))
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}

	events, _ := summary.ReadFile(w.Path())
	for _, ev := range events[1:] { // events[0] holds the file version
		v := ev.Values[0]
		fmt.Println(ev.Step, v.Tag, v.Plugin, v.Scalar)
	}
	// Output:
	// 0 epoch_loss scalars 0.8999999761581421
	// 1 epoch_loss scalars 0.5
	// 2 epoch_loss scalars 0.25
}
