// Package rnn holds fused CPU kernels for Keras's recurrent layers:
// SimpleRNN, LSTM and GRU, forward over a whole sequence and backward
// through time (BPTT), for float32 and float64.
//
// # Layouts
//
// Everything is row-major and batch first, as in Keras:
//
//	x                 (batch, steps, features)
//	kernel            (features, gates·units)
//	recurrent kernel  (units, gates·units)
//	bias              (gates·units); GRU with ResetAfter: (2, 3·units),
//	                  the input bias in row 0, the recurrent bias in row 1
//	mask              (batch, steps) booleans, true where a step is kept
//	initial, final    (batch, units) for h, and for c (LSTM only)
//	outputs           (batch, steps, units) with ReturnSequences,
//	                  else (batch, units)
//
// The gate blocks along the gates·units axis are in Keras's order: LSTM
// i, f, c, o (4 gates); GRU z, r, h (3); SimpleRNN has one. With
// z = x_t·W + h_{t-1}·U + b split into those blocks:
//
//	SimpleRNN  h_t = act(z)
//	LSTM       i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o)
//	           c_t = f·c_{t-1} + i·g,  h_t = o·act(c_t)
//	GRU        x_· = x_t·W + b_in, r_· = h_{t-1}·U + b_rec (ResetAfter)
//	           z = σ(x_z + r_z), r = σ(x_r + r_r)
//	           hh = act(x_h + r·r_h)                    (ResetAfter)
//	           hh = act(x_h + (r·h_{t-1})·U_h)          (otherwise; one bias,
//	                                                    added to x_·)
//	           h_t = z·h_{t-1} + (1−z)·hh
//
// σ is the logistic sigmoid (Keras 3's recurrent_activation default; hard
// sigmoid is not offered) and act is Spec.Activation (tanh by default).
// In float32, σ and tanh are polynomial approximations within a few units
// in the last place (act32.go), the same bits with or without AVX2; float64
// uses package math.
//
// Recurrent dropout (Input.RecurrentMask) multiplies h_{t-1} by a mask
// block per gate wherever a recurrent product reads it, as Keras 3's cells
// do when recurrent_dropout is set (their implementation 1).
//
// # Options
//
// GoBackwards processes the steps from last to first and, as Keras does,
// returns the outputs in processed order: output step s belongs to input
// step steps−1−s. A mask keeps or skips steps per sample: at a skipped step
// the states are carried over unchanged and the output repeats the previous
// output, which is zero until the sample's first kept step (with
// ZeroOutputForMask, the output of a skipped step is zero). That is the
// TensorFlow backend's behaviour (Keras 3's default); the JAX and NumPy
// backends output the carried state instead, which differs only when a
// sample starts with skipped steps and a non-zero initial state.
//
// # Use
//
// A Kernel is made once per layer (New) and owns its scratch buffers, which
// grow to the largest batch and sequence seen; after that Forward and
// Backward allocate nothing themselves (with several threads, the pooled
// scratch of internal/gemm and internal/parallel still misses now and then,
// well under one allocation per call). Forward writes what Backward needs (gate
// activations and states) into a caller-provided reserve of Spec.ReserveLen
// elements, so the two calls may be apart (a graph's forward op and its
// gradient op); its layout is the package's own (step-major, so that a
// step's rows are contiguous). Results do not depend on the number of
// threads of internal/parallel: every sum runs in a fixed order.
//
// Wrong lengths or sizes are programming errors and panic with a message
// naming the function, the argument and the expected size.
package rnn
