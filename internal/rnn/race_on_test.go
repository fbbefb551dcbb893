//go:build race

package rnn

// raceEnabled: the race detector makes sync.Pool (used by internal/gemm)
// drop items at random, so allocation counts mean nothing.
const raceEnabled = true
