package rnn_test

import (
	"fmt"

	"github.com/tensorgo/tensorgo/internal/rnn"
)

// Keras's parameter counts for the course's recurrent layers on one feature.
func ExampleParamCount() {
	for _, c := range []rnn.Cell{rnn.SimpleRNN, rnn.LSTM, rnn.GRU} {
		fmt.Printf("%v(80): %d\n", c, rnn.ParamCount(c, 1, 80))
	}
	// Output:
	// SimpleRNN(80): 6560
	// LSTM(80): 26240
	// GRU(80): 19920
}

// A SimpleRNN with one unit, linear activation and W = U = 1 keeps a running
// sum, h_t = h_{t-1} + x_t. For the loss Σ_t y_t, dL/dh_t is 3, 2, 1 (h_t
// counts in every later output), so dL/dx = (3, 2, 1),
// dL/dW = Σ dL/dh_t·x_t = 3+4+3 and dL/dU = Σ dL/dh_t·h_{t-1} = 2·1 + 1·3.
func ExampleKernel() {
	s := rnn.NewSpec(rnn.SimpleRNN, 1, 1)
	s.Activation, s.UseBias, s.ReturnSequences = rnn.Linear, false, true
	k := rnn.New[float64](s)
	w := rnn.Weights[float64]{Kernel: []float64{1}, Recurrent: []float64{1}}
	in := rnn.Input[float64]{Batch: 1, Steps: 3, X: []float64{1, 2, 3}}

	y := make([]float64, s.OutputLen(1, 3))
	reserve := make([]float64, s.ReserveLen(1, 3))
	k.Forward(w, in, reserve, rnn.Output[float64]{Y: y})

	dx, dw, du := make([]float64, 3), make([]float64, 1), make([]float64, 1)
	k.Backward(w, in, reserve, rnn.Output[float64]{Y: []float64{1, 1, 1}},
		rnn.Grads[float64]{X: dx, Kernel: dw, Recurrent: du})
	fmt.Println("y:", y)
	fmt.Println("dL/dx:", dx, "dL/dW:", dw, "dL/dU:", du)
	// Output:
	// y: [1 3 6]
	// dL/dx: [3 2 1] dL/dW: [10] dL/dU: [5]
}
