//go:build race

package layers_test

// recurrentRace: the race detector makes sync.Pool (used by internal/gemm
// and internal/parallel) drop items at random, so allocation counts mean
// nothing.
const recurrentRace = true
