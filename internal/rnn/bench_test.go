package rnn

import (
	"fmt"
	"testing"
)

// The anchors' shapes (../shared/anchors/w5_lstm.py, w9_rnn_zoo.py):
// batch 64, windows of 60 steps, a first layer of 80 units on 1 feature
// returning sequences and a second of 100 units on those 80, returning the
// last output only.
var benchLayers = []struct {
	features, units int
	seq             bool
}{{1, 80, true}, {80, 100, false}}

const benchBatch, benchSteps = 64, 60

func benchCell(b *testing.B, cell Cell, recDrop bool) {
	for _, l := range benchLayers {
		s := NewSpec(cell, l.features, l.units)
		s.ReturnSequences = l.seq
		tc := tcase{spec: s, batch: benchBatch, steps: benchSteps, recDrop: recDrop}
		d := makeData(tc, 1)
		k := New[float32](s)
		w := Weights[float32]{conv[float32](d.w.Kernel), conv[float32](d.w.Recurrent), conv[float32](d.w.Bias)}
		in := Input[float32]{Batch: benchBatch, Steps: benchSteps, X: conv[float32](d.in.X), RecurrentMask: conv[float32](d.in.RecurrentMask)}
		out := Output[float32]{Y: make([]float32, s.OutputLen(benchBatch, benchSteps))}
		dOut := Output[float32]{Y: conv[float32](d.dy)}
		g := Grads[float32]{X: make([]float32, len(in.X)), Kernel: make([]float32, len(w.Kernel)),
			Recurrent: make([]float32, len(w.Recurrent)), Bias: make([]float32, len(w.Bias))}
		res := make([]float32, s.ReserveLen(benchBatch, benchSteps))
		name := fmt.Sprintf("%dto%d", l.features, l.units)
		b.Run(name+"/forward", func(b *testing.B) {
			k.Forward(w, in, nil, out)
			b.ReportAllocs()
			for b.Loop() {
				k.Forward(w, in, nil, out)
			}
		})
		b.Run(name+"/train", func(b *testing.B) {
			k.Forward(w, in, res, out)
			k.Backward(w, in, res, dOut, g)
			b.ReportAllocs()
			for b.Loop() {
				k.Forward(w, in, res, out)
				k.Backward(w, in, res, dOut, g)
			}
		})
	}
}

// BenchmarkSimpleRNN runs the w9 rnn model's two SimpleRNN layers.
func BenchmarkSimpleRNN(b *testing.B) { benchCell(b, SimpleRNN, false) }

// BenchmarkLSTM runs the w5 (and w9 lstm) model's two LSTM layers.
func BenchmarkLSTM(b *testing.B) { benchCell(b, LSTM, false) }

// BenchmarkLSTMRecurrentDropout is BenchmarkLSTM with a recurrent dropout
// mask (one GEMM per gate at every step).
func BenchmarkLSTMRecurrentDropout(b *testing.B) { benchCell(b, LSTM, true) }

// BenchmarkGRU runs the w9 gru model's two GRU layers (reset_after).
func BenchmarkGRU(b *testing.B) { benchCell(b, GRU, false) }
